// Binds the HTTP endpoint for a scraper: the bridge between the agent shell and native/http.
#pragma once

#include <memory>

#include "agent/options.h"
#include "agent/scraper.h"
#include "common/result.h"
#include "rules/config.h"

namespace nj::http {
class TlsContext;
}

namespace nj::agent {

class Serving;  // owns the HTTP server; lives as long as the JVM

// Binds [host:]port synchronously: "cannot listen on HOST:PORT: Address already in use".
// beansEndpoint: nativejmx.beanDump.endpoint of the config read at start-up. With `tls` the
// port speaks HTTPS only.
Result<Serving*> startServing(const AgentOptions& options, const rules::HttpServerConfig& http, bool beansEndpoint,
                              Scraper& scraper, std::shared_ptr<const http::TlsContext> tls = nullptr);

// Reloaded key material, for the connections accepted from now on.
void replaceTls(Serving& serving, std::shared_ptr<const http::TlsContext> tls);

}  // namespace nj::agent
