// The agent's HTTP/1.1 server: asynchronous I/O on a fixed pool of native threads, calling a
// plain request handler. Boost stays behind this header (pimpl), so the agent never sees it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nj::http {

class TlsContext;  // http/tls.h

struct Header {
    std::string name;
    std::string value;
};

struct QueryParameter {
    std::string name;
    std::string value;
};

struct Request {
    std::string method;                 // as sent: "GET", "HEAD", ...
    std::string target;                 // raw request target: "/metrics?name%5B%5D=a"
    std::string path;                   // the target's path, percent-decoded
    std::vector<QueryParameter> query;  // in order, repeats kept; decoded like Java's URLDecoder
                                        // ('+' is a space); pairs without '=' are dropped, as
                                        // client_java drops them
    std::vector<Header> headers;        // in order, names as sent
    std::string body;
    std::string remoteAddress;          // "127.0.0.1", "::1"

    // Header names compare case-insensitively.
    std::optional<std::string_view> header(std::string_view name) const;
    std::vector<std::string_view> headerValues(std::string_view name) const;
    std::optional<std::string_view> queryValue(std::string_view name) const;
    std::vector<std::string_view> queryValues(std::string_view name) const;
};

struct Response {
    int status = 200;
    // Sent as written (JDK-style names such as "Content-type" keep their case). The server adds
    // Date, Content-length and, when it compresses, Content-encoding.
    std::vector<Header> headers;
    std::string body;
    // The body may be gzip-compressed when the request's Accept-Encoding lists gzip.
    bool compressible = false;
};

// Called on the server's threads, possibly on several at once. An exception becomes a 500.
using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
    // Empty: every address, IPv4 and IPv6 (dual stack; IPv4 only where IPv6 is unavailable).
    // Otherwise an address literal without brackets or a host name, bound on its first address.
    std::string host;
    uint16_t port = 0;  // 0: an ephemeral port, see Server::port()
    // Requests handled at once (httpServer.threads.maximum); beyond that the answer is 429.
    // One more thread keeps accepting, reading and writing while all of these are busy.
    int threads = 10;
    // Waiting for the next request on a connection plus reading it. A client that trickles
    // bytes (slowloris) is cut off when it runs out, without holding a thread.
    std::chrono::seconds readTimeout{30};
    std::chrono::seconds writeTimeout{60};
    // httpServer.maximumRequestSeconds: the whole exchange, from waiting for the request to the
    // last byte of the response; past it the connection is closed.
    std::optional<std::chrono::seconds> maximumRequestSeconds;
    size_t headerLimit = 16 * 1024;  // request line and headers; beyond: 431 and close
    size_t bodyLimit = 64 * 1024;    // beyond: 413 and close
    size_t maxConnections = 512;     // further connections are closed at once
    // Added to every response, also to the server's own (429, 431, 413, 400, 500): the
    // security headers of the spec's §11.2.
    std::vector<Header> headersOnEveryResponse;
    std::string threadName = "nativejmx-http";  // at most 15 characters (pthread_setname_np)
    // Set: the port speaks only TLS (a plain HTTP request gets a plain 400 saying so); the
    // handshake counts against readTimeout. Null: plain HTTP.
    std::shared_ptr<const TlsContext> tls;
};

class Server {
public:
    // Binds before returning, so an address in use or a bad host is an error here
    // ("cannot listen on HOST:PORT: Address already in use"); then serves until stop().
    static Result<std::unique_ptr<Server>> start(ServerOptions options, Handler handler);

    // Stops accepting, closes every connection and joins the threads; a handler that is running
    // is waited for. Idempotent. Safe to call from a handler (that thread is then left to end
    // on its own instead of being joined).
    void stop();
    ~Server();

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    uint16_t port() const;              // the bound port, useful with port 0
    uint64_t rejectedRequests() const;  // 429 answers so far (jmx_http_requests_rejected_total)

    // New key material (a reloaded key store) for the connections accepted from now on; open
    // ones keep theirs. Ignored by a plain HTTP server.
    void replaceTls(std::shared_ptr<const TlsContext> tls);

    struct Impl;

private:
    explicit Server(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

}  // namespace nj::http
