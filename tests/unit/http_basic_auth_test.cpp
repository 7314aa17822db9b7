// Basic authentication (spec §11.6): the JDK's protocol, every algorithm, the spec's worked
// examples, and the bound on concurrent PBKDF2 checks. Expected hashes come from Python's
// hashlib, not from the code under test.
#include <atomic>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http/basic_auth.h"
#include "http/endpoints.h"

using nj::http::BasicAuthenticator;
using nj::http::Request;
using nj::http::Response;
using nj::rules::BasicAuthConfig;

namespace {

BasicAuthConfig plaintext(std::string username, std::string password) {
    BasicAuthConfig config;
    config.username = std::move(username);
    config.password = std::move(password);
    return config;
}

BasicAuthConfig hashed(std::string algorithm, std::string salt, std::string hash, int iterations = 0) {
    BasicAuthConfig config;
    config.username = "prometheus";
    config.algorithm = std::move(algorithm);
    config.salt = std::move(salt);
    config.passwordHash = std::move(hash);
    config.iterations = iterations;
    return config;
}

std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (size_t i = 0; i < bytes.size(); i += 3) {
        uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
    }
    return out;
}

Request withAuthorization(std::optional<std::string> authorization, std::string path = "/metrics") {
    Request request;
    request.method = "GET";
    request.path = path;
    request.target = path;
    if (authorization) request.headers.push_back({"Authorization", *authorization});
    return request;
}

Request withCredentials(std::string_view userColonPassword) {
    return withAuthorization("Basic " + base64(userColonPassword));
}

std::optional<std::string> header(const Response& response, std::string_view name) {
    for (const auto& h : response.headers)
        if (h.name == name) return h.value;
    return std::nullopt;
}

bool allows(BasicAuthenticator& authenticator, std::string_view userColonPassword) {
    return !authenticator.refusal(withCredentials(userColonPassword));
}

void expectChallenge(const std::optional<Response>& refusal) {
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 401);
    EXPECT_EQ(header(*refusal, "Www-authenticate"), "Basic realm=\"/\"");
    EXPECT_TRUE(refusal->body.empty());
}

}  // namespace

TEST(BasicAuth, Base64HelperOfThisTestIsRight) {  // RFC 4648 test vectors
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(BasicAuth, PlaintextAcceptsOnlyTheConfiguredPair) {
    BasicAuthenticator authenticator(plaintext("prometheus", "secret"));
    EXPECT_TRUE(allows(authenticator, "prometheus:secret"));
    expectChallenge(authenticator.refusal(withCredentials("prometheus:wrong")));
    expectChallenge(authenticator.refusal(withCredentials("Prometheus:secret")));
    expectChallenge(authenticator.refusal(withCredentials("prometheus:secret ")));
    expectChallenge(authenticator.refusal(withCredentials("prometheus:")));
    expectChallenge(authenticator.refusal(withCredentials(":secret")));
}

TEST(BasicAuth, MissingHeaderIsChallenged) {
    BasicAuthenticator authenticator(plaintext("u", "p"));
    expectChallenge(authenticator.refusal(withAuthorization(std::nullopt)));
}

TEST(BasicAuth, OtherSchemeIs401WithoutChallengeAsTheJdk) {
    BasicAuthenticator authenticator(plaintext("u", "p"));
    for (const char* value : {"Bearer dTpw", "basic dTpw", "Basic", "BasicdTpw"}) {
        std::optional<Response> refusal = authenticator.refusal(withAuthorization(value));
        ASSERT_TRUE(refusal) << value;
        EXPECT_EQ(refusal->status, 401) << value;
        EXPECT_FALSE(header(*refusal, "Www-authenticate")) << value;
    }
    EXPECT_TRUE(allows(authenticator, "u:p"));  // "dTpw" is u:p
}

TEST(BasicAuth, MalformedCredentialsAreRefusedNotThrown) {
    BasicAuthenticator authenticator(plaintext("u", "p"));
    // Not Base64, bad padding, a lone trailing character, text after padding, no colon.
    for (const char* value : {"Basic dT*w", "Basic dTpw=", "Basic dTpwx", "Basic dTo=cA", "Basic  dTpw", "Basic dXNlcg=="}) {
        std::optional<Response> refusal = authenticator.refusal(withAuthorization(value));
        ASSERT_TRUE(refusal) << value;
        EXPECT_EQ(refusal->status, 401) << value;
    }
}

TEST(BasicAuth, UnpaddedBase64IsAcceptedAsJavaDoes) {
    BasicAuthenticator authenticator(plaintext("ab", "c"));
    EXPECT_EQ(base64("ab:c"), "YWI6Yw==");
    EXPECT_FALSE(authenticator.refusal(withAuthorization("Basic YWI6Yw")));
    EXPECT_FALSE(authenticator.refusal(withAuthorization("Basic YWI6Yw==")));
    EXPECT_TRUE(authenticator.refusal(withAuthorization("Basic YWI6Yw=")));
}

TEST(BasicAuth, PasswordMaySpanColonsTheUserNameEndsAtTheFirst) {
    BasicAuthenticator authenticator(plaintext("u", "a:b:c"));
    EXPECT_TRUE(allows(authenticator, "u:a:b:c"));
    expectChallenge(authenticator.refusal(withCredentials("u:a:b")));
}

TEST(BasicAuth, CredentialsAreIso88591AsTheJdkDecodesThem) {
    BasicAuthenticator authenticator(plaintext("prometheus", "s\u00e9cret"));  // configured in UTF-8
    EXPECT_TRUE(allows(authenticator, "prometheus:s\xe9" "cret"));            // sent as Latin-1
    // UTF-8 bytes on the wire are two Latin-1 characters to the JDK: not the password.
    expectChallenge(authenticator.refusal(withCredentials("prometheus:s\u00e9cret")));
}

TEST(BasicAuth, ShaDigestsOfSaltColonPassword) {
    // The spec's worked example.
    BasicAuthenticator sha256(hashed("SHA-256", "U9i%=N+m]#i9yvUV:bA/3n4X9JdPXf=n",
                                     "2bf7ed4906ac065bde39f7508d6102a6cdd7153a929ea883ff6cd04442772c99"));
    EXPECT_TRUE(allows(sha256, "prometheus:secret"));
    expectChallenge(sha256.refusal(withCredentials("prometheus:Secret")));
    expectChallenge(sha256.refusal(withCredentials("other:secret")));

    BasicAuthenticator sha1(hashed("SHA-1", "salt", "c1b5a10f75d89d943a921d8e70702174b812298d"));
    EXPECT_TRUE(allows(sha1, "prometheus:secret"));
    expectChallenge(sha1.refusal(withCredentials("prometheus:secreT")));

    BasicAuthenticator sha512(hashed("SHA-512", "salt",
                                     "2c6ddc381d4b17c32686827c18f02c8eb737071b69d20d6cd2dd1a9710370d665b88d2eab2e930c3ac"
                                     "a0c13bbf6308c514e657a6c738c2c45b24b33beb8a743d"));
    EXPECT_TRUE(allows(sha512, "prometheus:secret"));
    expectChallenge(sha512.refusal(withCredentials("prometheus:secre")));

    // The salted password is hashed as UTF-8.
    BasicAuthenticator latin(hashed("SHA-256", "salt", "2796eaa233cf2667ab33cc0e06cde72605513c2df9a809ac1406f36bb8073a72"));
    EXPECT_TRUE(allows(latin, "prometheus:s\xe9" "cret"));
}

TEST(BasicAuth, HashOfTheWrongLengthNeverMatches) {
    // A SHA-256 digest compared with a 16-byte hash: different lengths, no match, no crash.
    BasicAuthenticator authenticator(hashed("SHA-256", "salt", "00112233445566778899aabbccddeeff"));
    expectChallenge(authenticator.refusal(withCredentials("prometheus:secret")));
}

TEST(BasicAuth, Pbkdf2SpecExampleAtItsDefaultIterations) {
    // The spec's worked example: 600,000 iterations, a 16-byte key (one check, about a second).
    BasicAuthenticator authenticator(
        hashed("PBKDF2WithHmacSHA256", "98LeBWIjca", "02564821baef62cc927990c4e645f048", 600000));
    EXPECT_TRUE(allows(authenticator, "prometheus:secret"));
}

TEST(BasicAuth, Pbkdf2DerivesAKeyAsLongAsTheHash) {
    BasicAuthenticator sha1(hashed("PBKDF2WithHmacSHA1", "salt", "fa7bab9eff3a06a5271ccfb9b6d8728d0c7a334d", 1000));
    EXPECT_TRUE(allows(sha1, "prometheus:secret"));
    expectChallenge(sha1.refusal(withCredentials("prometheus:wrong")));

    BasicAuthenticator sha256(
        hashed("PBKDF2WithHmacSHA256", "salt", "a8df899f3c4f204d967e0ad63c092987c10055ebb017b3d9d28add218d4f7aad", 1000));
    EXPECT_TRUE(allows(sha256, "prometheus:secret"));
    expectChallenge(sha256.refusal(withCredentials("prometheus:secret2")));

    BasicAuthenticator sha512(hashed("PBKDF2WithHmacSHA512", "salt",
                                     "f76f72381b75f0deb1c339334a8c8974366cadbc6bf46460f978363de8d210dbccfa7a5908cfe50e61"
                                     "72bf6bc4d7b72dd48f1d543ce48736da7f7fcf6db4672c",
                                     1000));
    EXPECT_TRUE(allows(sha512, "prometheus:secret"));
    expectChallenge(sha512.refusal(withCredentials("nobody:secret")));
    EXPECT_EQ(sha512.busyRefusals(), 0u);
}

TEST(BasicAuth, BusyPbkdf2ChecksAre429ButCachedCredentialsPass) {
    // 200,000 iterations, so that checks overlap; one check at a time.
    BasicAuthenticator authenticator(
        hashed("PBKDF2WithHmacSHA256", "salt", "c6ef12e501ecc95448efd773450d47f5", 200000), 1);
    ASSERT_TRUE(allows(authenticator, "prometheus:secret"));  // a slow check, then cached

    std::atomic<bool> stop{false};
    std::thread attacker([&] {
        while (!stop) (void)authenticator.refusal(withCredentials("prometheus:guess"));
    });
    // Probe until a wrong password finds the one check slot taken by the attacker: then the
    // right password, cached, must pass without a slot.
    std::optional<Response> probe;
    bool cachedPassedWhileBusy = false;
    for (int attempt = 0; attempt < 200 && !cachedPassedWhileBusy; ++attempt) {
        probe = authenticator.refusal(withCredentials("prometheus:another-guess"));
        if (probe && probe->status == 429) cachedPassedWhileBusy = allows(authenticator, "prometheus:secret");
    }
    stop = true;
    attacker.join();
    ASSERT_TRUE(probe);
    EXPECT_EQ(probe->status, 429);
    EXPECT_TRUE(probe->body.empty());
    EXPECT_FALSE(header(*probe, "Www-authenticate"));
    EXPECT_TRUE(cachedPassedWhileBusy);
    EXPECT_GE(authenticator.busyRefusals(), 1u);
}
