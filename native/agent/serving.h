// Binds the HTTP endpoint for a scraper: the bridge between the agent shell and native/http.
#pragma once

#include "agent/options.h"
#include "agent/scraper.h"
#include "common/result.h"
#include "rules/config.h"

namespace nj::agent {

class Serving;  // owns the HTTP server; lives as long as the JVM

// Binds [host:]port synchronously: "cannot listen on HOST:PORT: Address already in use".
// beansEndpoint: nativejmx.beanDump.endpoint of the config read at start-up.
Result<Serving*> startServing(const AgentOptions& options, const rules::HttpServerConfig& http, bool beansEndpoint,
                              Scraper& scraper);

}  // namespace nj::agent
