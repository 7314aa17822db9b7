#include "http/basic_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace nj::http {
namespace {

using Digest = std::array<unsigned char, 32>;

// Successful PBKDF2 credentials kept, as upstream: at most this many, each at most this long.
constexpr size_t kCacheEntries = 100;
constexpr size_t kCacheableCredentialBytes = 5 * 1024;

int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// java.util.Base64.getDecoder(): the RFC 4648 alphabet, padding optional but exact when present,
// nothing after it. Nothing on malformed input.
std::optional<std::string> decodeBase64(std::string_view text) {
    std::string out;
    uint32_t bits = 0;
    int pending = 0;  // characters of the current 4-character unit
    size_t i = 0;
    for (; i < text.size() && text[i] != '='; ++i) {
        int value = base64Value(text[i]);
        if (value < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<uint32_t>(value);
        if (++pending == 4) {
            out += static_cast<char>(bits >> 16);
            out += static_cast<char>(bits >> 8);
            out += static_cast<char>(bits);
            bits = 0;
            pending = 0;
        }
    }
    size_t padding = text.size() - i;
    if (pending == 1 || (padding > 0 && (padding != static_cast<size_t>(4 - pending) || pending == 0)) ||
        text.find_first_not_of('=', i) != std::string_view::npos)
        return std::nullopt;
    if (pending == 2) out += static_cast<char>(bits >> 4);
    if (pending == 3) {
        out += static_cast<char>(bits >> 10);
        out += static_cast<char>(bits >> 2);
    }
    return out;
}

// The JDK decodes credentials as ISO-8859-1; jmx_exporter then compares and hashes UTF-8.
std::string latin1ToUtf8(std::string_view latin1) {
    std::string utf8;
    utf8.reserve(latin1.size());
    for (char c : latin1) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            utf8 += c;
        } else {
            utf8 += static_cast<char>(0xC0 | (byte >> 6));
            utf8 += static_cast<char>(0x80 | (byte & 0x3F));
        }
    }
    return utf8;
}

std::string hexToBytes(std::string_view hex) {  // hex is validated by the config loader
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    return bytes;
}

Digest sha256(std::string_view a, std::string_view b = {}) {
    Digest digest{};
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    bool ok = context != nullptr && EVP_DigestInit_ex(context, EVP_sha256(), nullptr) == 1 &&
              EVP_DigestUpdate(context, a.data(), a.size()) == 1 && EVP_DigestUpdate(context, b.data(), b.size()) == 1 &&
              EVP_DigestFinal_ex(context, digest.data(), nullptr) == 1;
    EVP_MD_CTX_free(context);
    if (!ok) throw std::runtime_error("SHA-256 is not available");
    return digest;
}

// Length-independent constant-time equality: both sides are hashed first.
bool sameText(std::string_view a, std::string_view b) {
    Digest x = sha256(a), y = sha256(b);
    return CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0;
}

bool sameBytes(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

const EVP_MD* digestNamed(std::string_view algorithm) {
    if (algorithm.ends_with("SHA-1") || algorithm.ends_with("SHA1")) return EVP_sha1();
    if (algorithm.ends_with("SHA-256") || algorithm.ends_with("SHA256")) return EVP_sha256();
    return EVP_sha512();
}

// One of the few PBKDF2 checks allowed at once, or none when all are running.
struct SlowCheckSlot {
    SlowCheckSlot(std::atomic<int>& running, int limit) : running(running) {
        int now = running.load();
        while (now < limit && !running.compare_exchange_weak(now, now + 1)) {
        }
        acquired = now < limit;
    }
    ~SlowCheckSlot() {
        if (acquired) running.fetch_sub(1);
    }
    SlowCheckSlot(const SlowCheckSlot&) = delete;
    SlowCheckSlot& operator=(const SlowCheckSlot&) = delete;

    std::atomic<int>& running;
    bool acquired = false;
};

Response unauthorized(bool challenge) {
    Response response;
    response.status = 401;
    // The JDK's header name normalisation writes it this way.
    if (challenge) response.headers.push_back({"Www-authenticate", "Basic realm=\"/\""});
    return response;
}

}  // namespace

struct BasicAuthenticator::Verifier {
    enum class Kind { Plaintext, Digest, Pbkdf2 };
    Kind kind = Kind::Plaintext;
    std::string username;
    std::string password;      // plaintext
    std::string expectedHash;  // bytes of passwordHash
    std::string salt;
    int iterations = 0;
    const EVP_MD* md = nullptr;

    int concurrentSlowChecks = 1;
    std::atomic<int> slowChecksRunning{0};

    std::mutex cacheMutex;
    std::vector<Digest> cache;  // keyed digests of credentials that matched
    std::string cacheKey;       // random per process: the cache holds no password in the clear

    bool passwordMatches(const std::string& password) const {
        switch (kind) {
            case Kind::Plaintext:
                return sameText(password, this->password);
            case Kind::Digest: {
                std::string input = salt + ":" + password;
                unsigned char digest[EVP_MAX_MD_SIZE];
                unsigned length = 0;
                if (EVP_Digest(input.data(), input.size(), digest, &length, md, nullptr) != 1) return false;
                return sameBytes(std::string(reinterpret_cast<char*>(digest), length), expectedHash);
            }
            case Kind::Pbkdf2: {
                std::string derived(expectedHash.size(), '\0');
                if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                      reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                                      iterations, md, static_cast<int>(derived.size()),
                                      reinterpret_cast<unsigned char*>(derived.data())) != 1)
                    return false;
                return sameBytes(derived, expectedHash);
            }
        }
        return false;
    }

    Digest cacheEntry(std::string_view username, std::string_view password) const {
        return sha256(cacheKey, std::string(username) + ":" + std::string(password));
    }

    bool cached(const Digest& entry) {
        std::lock_guard lock(cacheMutex);
        bool found = false;
        for (const Digest& d : cache) found |= CRYPTO_memcmp(d.data(), entry.data(), entry.size()) == 0;
        return found;
    }

    void remember(const Digest& entry, size_t credentialBytes) {
        if (credentialBytes > kCacheableCredentialBytes) return;
        std::lock_guard lock(cacheMutex);
        if (cache.size() < kCacheEntries) cache.push_back(entry);
    }
};

BasicAuthenticator::BasicAuthenticator(const rules::BasicAuthConfig& config, int concurrentSlowChecks)
    : verifier_(std::make_unique<Verifier>()) {
    Verifier& v = *verifier_;
    v.username = config.username;
    v.concurrentSlowChecks = std::max(1, concurrentSlowChecks);
    if (config.algorithm == "plaintext") {
        v.password = config.password;
        return;
    }
    v.kind = config.algorithm.starts_with("PBKDF2") ? Verifier::Kind::Pbkdf2 : Verifier::Kind::Digest;
    v.md = digestNamed(config.algorithm);
    v.expectedHash = hexToBytes(config.passwordHash);
    v.salt = config.salt;
    v.iterations = config.iterations;
    v.cacheKey.resize(32);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(v.cacheKey.data()), static_cast<int>(v.cacheKey.size())) != 1)
        v.cacheKey.clear();  // no randomness: the cache still works, keyed by nothing secret
}

BasicAuthenticator::~BasicAuthenticator() = default;

BasicAuthenticator::Check BasicAuthenticator::check(std::string_view username, std::string_view password) {
    Verifier& v = *verifier_;
    const std::string user = latin1ToUtf8(username);
    const std::string pass = latin1ToUtf8(password);
    // Both halves are always checked, so a wrong name costs what a wrong password costs.
    const bool userMatches = sameText(user, v.username);
    if (v.kind != Verifier::Kind::Pbkdf2) return (userMatches & v.passwordMatches(pass)) ? Check::Match : Check::Mismatch;

    const Digest entry = v.cacheEntry(user, pass);
    if (v.cached(entry)) return Check::Match;
    SlowCheckSlot slot(v.slowChecksRunning, v.concurrentSlowChecks);
    if (!slot.acquired) return Check::Busy;
    const bool matches = userMatches & v.passwordMatches(pass);
    if (matches) v.remember(entry, user.size() + pass.size());
    return matches ? Check::Match : Check::Mismatch;
}

std::optional<Response> BasicAuthenticator::refusal(const Request& request) {
    const std::optional<std::string_view> authorization = request.header("Authorization");
    if (!authorization) return unauthorized(true);
    const size_t space = authorization->find(' ');
    if (space == std::string_view::npos || authorization->substr(0, space) != "Basic") return unauthorized(false);
    const std::optional<std::string> credentials = decodeBase64(authorization->substr(space + 1));
    const size_t colon = credentials ? credentials->find(':') : std::string::npos;
    if (colon == std::string::npos) return unauthorized(true);  // the JDK throws here; we just refuse
    switch (check(std::string_view(*credentials).substr(0, colon), std::string_view(*credentials).substr(colon + 1))) {
        case Check::Match:
            return std::nullopt;
        case Check::Mismatch:
            return unauthorized(true);
        case Check::Busy:
            break;
    }
    busyRefusals_.fetch_add(1);
    Response busy;
    busy.status = 429;
    return busy;
}

}  // namespace nj::http
