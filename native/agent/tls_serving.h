// HTTPS for a config with httpServer.ssl (spec §11.7): the key (and trust) stores are read
// through the JVM on this thread, the port is bound only once they make a usable TLS context
// (so a config that asks for TLS never serves in the clear), and the stores are read again
// whenever their files change.
#pragma once

#include "agent/options.h"
#include "agent/scraper.h"
#include "rules/config.h"

namespace nj::agent {

// Runs on the calling (start-up) thread for as long as the JVM does, unless it cannot serve at
// all (a missing store setting, the port in use): then one log line and it returns.
void serveOverTls(const AgentOptions& options, const rules::HttpServerConfig& http, bool beansEndpoint,
                  Scraper& scraper);

}  // namespace nj::agent
