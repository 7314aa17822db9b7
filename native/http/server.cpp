#include "http/server.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <type_traits>
#include <thread>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/log.h"
#include "http/tls.h"
#include "http/wire_request.h"

namespace nj::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using WireRequest = beast::http::request<beast::http::string_body>;
using WireResponse = beast::http::response<beast::http::string_body>;

namespace {

// ---- Request target --------------------------------------------------------------------------

// ASCII only, as header names and tokens are.
bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

int hexDigitValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A malformed escape is kept as it is: leniency costs nothing here.
std::string percentDecode(std::string_view text, bool plusIsSpace) {
    std::string decoded;
    decoded.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plusIsSpace) {
            decoded.push_back(' ');
        } else if (c == '%' && i + 2 < text.size() && hexDigitValue(text[i + 1]) >= 0 &&
                   hexDigitValue(text[i + 2]) >= 0) {
            decoded.push_back(static_cast<char>(hexDigitValue(text[i + 1]) * 16 + hexDigitValue(text[i + 2])));
            i += 2;
        } else {
            decoded.push_back(c);
        }
    }
    return decoded;
}

void parseTarget(std::string_view target, Request& request) {
    // Absolute form ("http://host:9404/metrics", from proxies): only the path and query count.
    if (!target.starts_with('/')) {
        if (size_t scheme = target.find("://"); scheme != std::string_view::npos) {
            size_t pathStart = target.find_first_of("/?", scheme + 3);
            target = pathStart == std::string_view::npos ? std::string_view("/") : target.substr(pathStart);
        }
    }
    size_t queryStart = target.find('?');
    request.path = percentDecode(target.substr(0, queryStart), false);
    if (request.path.empty()) request.path = "/";
    if (queryStart == std::string_view::npos) return;
    std::string_view query = target.substr(queryStart + 1);
    for (;;) {
        size_t ampersand = query.find('&');
        std::string_view pair = query.substr(0, ampersand);
        if (size_t equals = pair.find('='); equals != std::string_view::npos)
            request.query.push_back({percentDecode(pair.substr(0, equals), true),
                                     percentDecode(pair.substr(equals + 1), true)});
        if (ampersand == std::string_view::npos) break;
        query.remove_prefix(ampersand + 1);
    }
}

std::string remoteAddressOf(const tcp::socket& socket) {
    beast::error_code ec;
    auto address = socket.remote_endpoint(ec).address();
    if (ec) return {};
    // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    return address.to_string();
}

}  // namespace

Request toRequest(WireRequest&& message, std::string remoteAddress) {
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    parseTarget(request.target, request);
    for (const auto& field : message)
        request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    request.body = std::move(message.body());
    request.remoteAddress = std::move(remoteAddress);
    return request;
}

namespace {

// ---- Response encoding -----------------------------------------------------------------------

std::string_view trimmed(std::string_view s) {
    size_t begin = s.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// As client_java: some Accept-Encoding header has a comma-separated token equal to "gzip".
bool acceptsGzip(const Request& request) {
    for (std::string_view value : request.headerValues("Accept-Encoding")) {
        for (;;) {
            size_t comma = value.find(',');
            if (equalsIgnoreCase(trimmed(value.substr(0, comma)), "gzip")) return true;
            if (comma == std::string_view::npos) break;
            value.remove_prefix(comma + 1);
        }
    }
    return false;
}

// Like Java's GZIPOutputStream (default level, gzip framing). Empty when zlib fails.
std::optional<std::string> gzip(std::string_view input) {
    if (input.size() > UINT_MAX) return std::nullopt;
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::nullopt;
    std::string compressed(deflateBound(&stream, static_cast<uLong>(input.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = reinterpret_cast<Bytef*>(compressed.data());
    stream.avail_out = static_cast<uInt>(compressed.size());
    int status = deflate(&stream, Z_FINISH);
    compressed.resize(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END) return std::nullopt;
    return compressed;
}

// RFC 7231 IMF-fixdate, written by hand: strftime would follow the process locale.
std::string httpDate() {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday], utc.tm_mday,
                  kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return text;
}

Response plainResponse(int status) {
    Response response;
    response.status = status;
    return response;
}

// ---- Process hygiene inside someone else's JVM -----------------------------------------------

void setCloseOnExec(int fd) { ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC); }

// Threads created while this lives start with process-directed signals (SIGQUIT for thread
// dumps, SIGTERM, ...) blocked, so the kernel delivers those to the JVM's own threads. Signals
// raised by a fault cannot be blocked meaningfully and stay with HotSpot's handlers.
class AsyncSignalsBlocked {
public:
    AsyncSignalsBlocked() {
        sigset_t blocked;
        sigfillset(&blocked);
        for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) sigdelset(&blocked, fault);
        pthread_sigmask(SIG_BLOCK, &blocked, &previous_);
    }
    ~AsyncSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
    AsyncSignalsBlocked(const AsyncSignalsBlocked&) = delete;
    AsyncSignalsBlocked& operator=(const AsyncSignalsBlocked&) = delete;

private:
    sigset_t previous_;
};

// ---- Connections -----------------------------------------------------------------------------

// What connections share with the server; they keep it alive, not the server itself.
struct Shared {
    Shared(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}
    const ServerOptions options;
    const Handler handler;
    std::atomic<int> busyHandlers{0};
    std::atomic<size_t> openConnections{0};
    std::atomic<uint64_t> rejectedRequests{0};
};

// One of `threads` places to run the handler, or none when all are taken.
class HandlerSlot {
public:
    explicit HandlerSlot(Shared& shared) : shared_(shared), acquired_(tryAcquire(shared)) {}
    ~HandlerSlot() {
        if (acquired_) shared_.busyHandlers.fetch_sub(1);
    }
    HandlerSlot(const HandlerSlot&) = delete;
    HandlerSlot& operator=(const HandlerSlot&) = delete;
    bool acquired() const { return acquired_; }

private:
    static bool tryAcquire(Shared& shared) {
        int busy = shared.busyHandlers.load();
        while (busy < shared.options.threads && !shared.busyHandlers.compare_exchange_weak(busy, busy + 1)) {
        }
        return busy < shared.options.threads;
    }

    Shared& shared_;
    const bool acquired_;
};

bool isMalformedRequest(const beast::error_code& ec) {
    namespace wire = beast::http;
    static const auto& parserErrors = wire::make_error_code(wire::error::bad_target).category();
    // end_of_stream and partial_message mean the client went away: nobody to answer.
    return ec.category() == parserErrors && ec != wire::error::end_of_stream && ec != wire::error::partial_message;
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// The answer to plain HTTP on a TLS port, sent in the clear; then the connection closes. A
// literal, not a static std::string: nothing to destroy while server threads run at JVM exit.
constexpr std::string_view kPlainHttpOnTlsPortResponse =
    "HTTP/1.1 400 Bad Request\r\nContent-type: text/plain; charset=utf-8\r\nContent-length: 42\r\n"
    "Connection: close\r\n\r\nThis port serves HTTPS only: use https://\n";
static_assert(kPlainHttpOnTlsPortResponse.size() - kPlainHttpOnTlsPortResponse.find("\r\n\r\n") - 4 == 42);

// One TCP connection, all of whose work runs on its own strand: (for TLS, handshake,) read a
// request, answer it, repeat while keep-alive holds. Stream is PlainStream or TlsStream.
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

public:
    Connection(tcp::socket socket, std::shared_ptr<Shared> shared, std::shared_ptr<const TlsContext> tls)
        : shared_(std::move(shared)),
          remoteAddress_(remoteAddressOf(socket)),
          tls_(std::move(tls)),
          stream_(makeStream(std::move(socket), tls_.get())),
          // Limits the parser's buffer too; the parser's own limits normally trip first.
          buffer_(shared_->options.headerLimit + shared_->options.bodyLimit) {
        shared_->openConnections.fetch_add(1);
    }
    ~Connection() { shared_->openConnections.fetch_sub(1); }

    void start() {
        asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            self->startExchange();
            if constexpr (kTls) {
                beast::async_detect_ssl(self->lowestLayer(), self->buffer_,
                                        beast::bind_front_handler(&Connection::onDetected, self));
            } else {
                self->readRequest();
            }
        });
    }

private:
    static Stream makeStream(tcp::socket socket, const TlsContext* tls) {
        if constexpr (kTls) return Stream(std::move(socket), tls->native());
        else return Stream(std::move(socket));
    }

    beast::tcp_stream& lowestLayer() { return beast::get_lowest_layer(stream_); }

    // The read deadline covers the TLS handshake too, and maximumRequestSeconds starts here.
    void startExchange() {
        const ServerOptions& options = shared_->options;
        const auto now = Clock::now();
        exchangeDeadline_ = options.maximumRequestSeconds ? now + *options.maximumRequestSeconds
                                                          : Clock::time_point::max();
        lowestLayer().expires_at(std::min(now + options.readTimeout, exchangeDeadline_));
    }

    void onDetected(beast::error_code ec, bool isTls) {
        if (ec) return;
        if (!isTls) {
            asio::async_write(lowestLayer(), asio::buffer(kPlainHttpOnTlsPortResponse.data(), kPlainHttpOnTlsPortResponse.size()),
                              beast::bind_front_handler(&Connection::onPlainRefusalWritten, this->shared_from_this()));
            return;
        }
        // The bytes detect_ssl read are the start of the handshake.
        stream_.async_handshake(asio::ssl::stream_base::server, buffer_.data(),
                                beast::bind_front_handler(&Connection::onHandshake, this->shared_from_this()));
    }

    void onPlainRefusalWritten(beast::error_code ec, std::size_t) {
        if (!ec) lowestLayer().socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    void onHandshake(beast::error_code ec, std::size_t bytesUsed) {
        if (ec) return;  // a refused client certificate, protocol or cipher, a timeout: close
        buffer_.consume(bytesUsed);
        readRequest();
    }

    void readRequest() {
        const ServerOptions& options = shared_->options;
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(std::min<size_t>(options.headerLimit, UINT32_MAX)));
        parser_->body_limit(options.bodyLimit);
        beast::http::async_read(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Connection::onRead, this->shared_from_this()));
    }

    void onRead(beast::error_code ec, std::size_t) {
        namespace wire = beast::http;
        if (ec == wire::error::header_limit || ec == wire::error::buffer_overflow) return refuse(431);
        if (ec == wire::error::body_limit) return refuse(413);
        if (isMalformedRequest(ec)) return refuse(400);
        // Closed, reset or timed out: returning drops the last reference, which closes the socket.
        if (ec) return;
        handle(parser_->release());
    }

    void handle(WireRequest message) {
        const bool keepAlive = message.keep_alive();
        const Request request = toRequest(std::move(message), remoteAddress_);
        Response response;
        bool gzipped = false;
        {
            // Held until the response is encoded (compressing is part of the work being bounded),
            // and free before the write starts: a client that has its answer may ask again at once.
            HandlerSlot slot(*shared_);
            if (slot.acquired()) {
                response = runHandler(request);
            } else {
                shared_->rejectedRequests.fetch_add(1);
                response = plainResponse(429);
            }
            if (Clock::now() >= exchangeDeadline_) return;  // maximumRequestSeconds is over: close
            if (response.compressible && acceptsGzip(request)) {
                if (auto compressed = gzip(response.body)) {
                    response.body = std::move(*compressed);
                    gzipped = true;
                }
            }
        }
        send(std::move(response), request.method == "HEAD", keepAlive, gzipped);
    }

    Response runHandler(const Request& request) {
        try {
            return shared_->handler(request);
        } catch (const std::exception& e) {
            return internalError(e.what());
        } catch (...) {
            return internalError("unknown exception");
        }
    }

    static Response internalError(std::string_view what) {
        nj::logLine(std::string("HTTP request handler failed: ").append(what));
        Response response = plainResponse(500);
        response.headers.push_back({"Content-type", "text/plain; charset=utf-8"});
        response.body = std::string("An internal error occurred: ").append(what).append("\n");
        return response;
    }

    // The server's own answer to a request it will not read to the end; the connection closes.
    void refuse(int status) { send(plainResponse(status), false, false, false); }

    void send(Response response, bool headOnly, bool keepAlive, bool gzipped) {
        response_ = {};
        response_.version(11);
        response_.result(static_cast<unsigned>(response.status));
        for (const Header& h : shared_->options.headersOnEveryResponse) response_.insert(h.name, h.value);
        for (const Header& h : response.headers) response_.insert(h.name, h.value);
        response_.insert("Date", httpDate());
        if (gzipped) response_.insert("Content-encoding", "gzip");
        // Set by hand (not prepare_payload) so that HEAD announces the length it does not send.
        response_.insert("Content-length", std::to_string(response.body.size()));
        response_.keep_alive(keepAlive);
        if (!headOnly) response_.body() = std::move(response.body);
        lowestLayer().expires_at(std::min(Clock::now() + shared_->options.writeTimeout, exchangeDeadline_));
        beast::http::async_write(stream_, response_,
                                 beast::bind_front_handler(&Connection::onWritten, this->shared_from_this(), keepAlive));
    }

    void onWritten(bool keepAlive, beast::error_code ec, std::size_t) {
        response_ = {};  // a scrape can be large; do not keep it while idle
        if (ec) return;
        if (!keepAlive) {
            if constexpr (kTls) {
                stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
            } else {
                stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
            }
            return;
        }
        startExchange();
        readRequest();
    }

    const std::shared_ptr<Shared> shared_;
    const std::string remoteAddress_;
    const std::shared_ptr<const TlsContext> tls_;  // null for PlainStream
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
    WireResponse response_;
    Clock::time_point exchangeDeadline_;
};

std::string listenLabel(const ServerOptions& options) {
    std::string host = options.host;
    if (host.empty())
        host = "*";
    else if (host.find(':') != std::string::npos)
        host = "[" + host + "]";
    return host + ":" + std::to_string(options.port);
}

}  // namespace

// ---- Request accessors ----------------------------------------------------------------------

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto& h : headers)
        if (equalsIgnoreCase(h.name, name)) return std::string_view(h.value);
    return std::nullopt;
}

std::vector<std::string_view> Request::headerValues(std::string_view name) const {
    std::vector<std::string_view> values;
    for (const auto& h : headers)
        if (equalsIgnoreCase(h.name, name)) values.emplace_back(h.value);
    return values;
}

std::optional<std::string_view> Request::queryValue(std::string_view name) const {
    for (const auto& p : query)
        if (p.name == name) return std::string_view(p.value);
    return std::nullopt;
}

std::vector<std::string_view> Request::queryValues(std::string_view name) const {
    std::vector<std::string_view> values;
    for (const auto& p : query)
        if (p.name == name) values.emplace_back(p.value);
    return values;
}

// ---- Server ----------------------------------------------------------------------------------

struct Server::Impl {
    Impl(ServerOptions options, Handler handler)
        : shared(std::make_shared<Shared>(std::move(options), std::move(handler))), tls(shared->options.tls) {
        reactor.emplace(shared->options.threads + 1);
    }

    Status listen() {
        const ServerOptions& options = shared->options;
        beast::error_code ec;
        if (options.host.empty()) {
            ec = openAndBind(tcp::endpoint(asio::ip::address_v6::any(), options.port));
            if (ec && ec != asio::error::address_in_use && ec != asio::error::access_denied)  // no IPv6 here
                ec = openAndBind(tcp::endpoint(asio::ip::address_v4::any(), options.port));
        } else {
            tcp::resolver resolver(reactor->io);
            auto endpoints = resolver.resolve(options.host, std::to_string(options.port), ec);
            if (!ec && endpoints.empty()) ec = asio::error::host_not_found;
            if (!ec) ec = openAndBind(preferredEndpoint(endpoints));
        }
        if (ec) return makeError("cannot listen on " + listenLabel(options) + ": " + ec.message());
        port = reactor->acceptor.local_endpoint(ec).port();
        return Ok{};
    }

    // Java's InetSocketAddress(host, port) binds the first IPv4 address of a name when it has one
    // (java.net.preferIPv6Addresses=false): "localhost" is 127.0.0.1, not ::1.
    static tcp::endpoint preferredEndpoint(const tcp::resolver::results_type& endpoints) {
        for (const auto& entry : endpoints)
            if (entry.endpoint().address().is_v4()) return entry.endpoint();
        return endpoints.begin()->endpoint();
    }

    beast::error_code openAndBind(const tcp::endpoint& endpoint) {
        tcp::acceptor& acceptor = reactor->acceptor;
        beast::error_code ec;
        if (acceptor.is_open()) acceptor.close(ec);
        acceptor.open(endpoint.protocol(), ec);
        if (ec) return ec;
        setCloseOnExec(acceptor.native_handle());
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        // IPv6 sockets accept IPv4 too, as Java's do.
        if (!ec && endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(false), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        return ec;
    }

    void acceptNext() {
        reactor->acceptor.async_accept(asio::make_strand(reactor->io), [this](beast::error_code ec, tcp::socket socket) {
            onAccepted(ec, std::move(socket));
        });
    }

    void onAccepted(beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) {
            // Typically out of file descriptors: wait a little rather than spin.
            if (!acceptFailing) nj::logLine("HTTP server cannot accept connections: " + ec.message());
            acceptFailing = true;
            reactor->acceptRetry.expires_after(std::chrono::milliseconds(100));
            reactor->acceptRetry.async_wait([this](beast::error_code waited) {
                if (!waited) acceptNext();
            });
            return;
        }
        acceptFailing = false;
        try {
            if (shared->openConnections.load() >= shared->options.maxConnections) {
                socket.close(ec);
            } else {
                setCloseOnExec(socket.native_handle());
                if (std::shared_ptr<const TlsContext> tls = currentTls())
                    std::make_shared<Connection<TlsStream>>(std::move(socket), shared, std::move(tls))->start();
                else
                    std::make_shared<Connection<PlainStream>>(std::move(socket), shared, nullptr)->start();
            }
        } catch (const std::exception& e) {
            nj::logLine(std::string("HTTP server dropped a connection: ") + e.what());
        }
        acceptNext();
    }

    static void run(Impl& impl) {
        pthread_setname_np(pthread_self(), impl.shared->options.threadName.substr(0, 15).c_str());
        for (;;) {
            try {
                impl.reactor->io.run();
                return;  // stopped
            } catch (const std::exception& e) {
                nj::logLine(std::string("HTTP server thread caught: ") + e.what());
            } catch (...) {
                nj::logLine("HTTP server thread caught an unknown exception");
            }
        }
    }

    // Each thread co-owns the Impl, so a thread left to finish on its own (stop() called from a
    // handler) still has it.
    static void startThreads(const std::shared_ptr<Impl>& self) {
        AsyncSignalsBlocked signalsBlocked;
        const int count = self->shared->options.threads + 1;
        self->threads.reserve(static_cast<size_t>(count));
        try {
            for (int i = 0; i < count; ++i) self->threads.emplace_back([self] { run(*self); });
        } catch (...) {
            self->stopAndJoin();
            throw;
        }
    }

    void stopAndJoin() {
        reactor->io.stop();
        bool calledFromServerThread = false;
        for (std::thread& thread : threads) {
            if (!thread.joinable()) continue;
            if (thread.get_id() == std::this_thread::get_id()) {
                thread.detach();
                calledFromServerThread = true;
            } else {
                thread.join();
            }
        }
        // No thread is inside the reactor any more, so it can go now, closing everything. A
        // handler's own thread still is: then the last owner's destructor does it.
        if (!calledFromServerThread) reactor.reset();
    }

    // Everything Asio. Destroying it closes the listener and every connection: the io_context
    // destroys the handlers still queued, and with them the connections they own.
    struct Reactor {
        explicit Reactor(int threads) : io(threads) {}
        asio::io_context io;
        asio::executor_work_guard<asio::io_context::executor_type> keepRunning{io.get_executor()};
        tcp::acceptor acceptor{io};
        asio::steady_timer acceptRetry{io};
    };

    std::shared_ptr<const TlsContext> currentTls() {
        std::lock_guard lock(tlsMutex);
        return tls;
    }

    const std::shared_ptr<Shared> shared;
    std::optional<Reactor> reactor;
    std::mutex tlsMutex;
    std::shared_ptr<const TlsContext> tls;  // null: plain HTTP
    bool acceptFailing = false;  // only touched by the accept chain, one step at a time
    uint16_t port = 0;
    std::atomic<bool> stopped{false};
    std::vector<std::thread> threads;
};

Result<std::unique_ptr<Server>> Server::start(ServerOptions options, Handler handler) {
    if (options.threads < 1) return makeError("the HTTP server needs at least one thread");
    try {
        auto impl = std::make_shared<Impl>(std::move(options), std::move(handler));
        if (Status listening = impl->listen(); !listening) return listening.error();
        impl->acceptNext();
        Impl::startThreads(impl);
        return std::unique_ptr<Server>(new Server(std::move(impl)));
    } catch (const std::exception& e) {
        return makeError(std::string("cannot start the HTTP server: ") + e.what());
    }
}

Server::Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

void Server::stop() {
    if (impl_->stopped.exchange(true)) return;
    impl_->stopAndJoin();
}

uint16_t Server::port() const { return impl_->port; }

uint64_t Server::rejectedRequests() const { return impl_->shared->rejectedRequests.load(); }

void Server::replaceTls(std::shared_ptr<const TlsContext> tls) {
    if (tls == nullptr) return;
    std::lock_guard lock(impl_->tlsMutex);
    if (impl_->tls != nullptr) impl_->tls = std::move(tls);
}

}  // namespace nj::http
