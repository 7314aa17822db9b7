// http::TlsContext: key material and httpServer.ssl settings in, an OpenSSL context or a clear
// error out (spec §11.7; TLS 1.2 and 1.3 only).
#include <gtest/gtest.h>

#include "http/tls.h"
#include "tls_test_support.h"

using nj::http::TlsContext;
using nj::http::TlsMaterial;
using nj::http::TlsSettings;
using nj::http::checkTlsSettings;

namespace {

TlsMaterial selfSignedMaterial() {
    nj::test::SelfSigned server = nj::test::makeSelfSigned();
    return {server.privateKeyPkcs8, {server.certificate}, {}};
}

std::string errorOf(const TlsMaterial& material, const TlsSettings& settings) {
    auto context = TlsContext::create(material, settings);
    return context ? "<no error>" : context.error().message;
}

TEST(TlsContext, SelfSignedKeyAndCertificateMakeAContext) {
    EXPECT_TRUE(TlsContext::create(selfSignedMaterial(), {}));
}

TEST(TlsContext, ChainCertificatesAreAccepted) {
    TlsMaterial material = selfSignedMaterial();
    material.certificateChain.push_back(nj::test::makeSelfSigned("intermediate").certificate);
    EXPECT_TRUE(TlsContext::create(material, {}));
}

TEST(TlsContext, KeyOfAnotherCertificateIsRefused) {
    TlsMaterial material = selfSignedMaterial();
    material.privateKeyPkcs8 = nj::test::makeSelfSigned().privateKeyPkcs8;
    EXPECT_NE(errorOf(material, {}).find("the private key does not match the certificate"), std::string::npos);
}

TEST(TlsContext, GarbageKeyAndCertificateAreRefused) {
    TlsMaterial badKey = selfSignedMaterial();
    badKey.privateKeyPkcs8 = "not a key";
    EXPECT_NE(errorOf(badKey, {}).find("cannot use the private key"), std::string::npos);
    TlsMaterial badCertificate = selfSignedMaterial();
    badCertificate.certificateChain = {"not a certificate"};
    EXPECT_NE(errorOf(badCertificate, {}).find("cannot parse the certificate"), std::string::npos);
    TlsMaterial noCertificate = selfSignedMaterial();
    noCertificate.certificateChain.clear();
    EXPECT_NE(errorOf(noCertificate, {}).find("no certificate"), std::string::npos);
}

TEST(TlsContext, ProtocolsAreJavaNamesOfTls12AndLater) {
    const TlsMaterial material = selfSignedMaterial();
    EXPECT_TRUE(TlsContext::create(material, {false, {"TLSv1.2"}, {}}));
    EXPECT_TRUE(TlsContext::create(material, {false, {"TLSv1.3"}, {}}));
    EXPECT_TRUE(TlsContext::create(material, {false, {"TLSv1.3", "TLSv1.2"}, {}}));
    EXPECT_EQ(errorOf(material, {false, {"tlsv1.2"}, {}}),
              "httpServer.ssl.protocols: unknown protocol tlsv1.2 (nativejmx serves TLSv1.2 and TLSv1.3)");
    EXPECT_EQ(errorOf(material, {false, {"TLSv1", "TLSv1.1"}, {}}),
              "httpServer.ssl.protocols: TLSv1,TLSv1.1 leaves nothing to serve (nativejmx serves TLSv1.2 and TLSv1.3 "
              "only)");
}

TEST(TlsContext, LegacyProtocolsBesideServedOnesAreLeftOutWithAWarning) {
    const TlsSettings settings{false, {"TLSv1.1", "TLSv1.2"}, {}};
    EXPECT_TRUE(TlsContext::create(selfSignedMaterial(), settings));
    auto warnings = checkTlsSettings(settings);
    ASSERT_TRUE(warnings);
    EXPECT_EQ(*warnings, std::vector<std::string>{"httpServer.ssl.protocols: TLSv1.1 left out (nativejmx serves "
                                                  "TLSv1.2 and TLSv1.3 only)"});
    EXPECT_TRUE(checkTlsSettings({false, {"TLSv1.2"}, {}})->empty());
    EXPECT_TRUE(checkTlsSettings({})->empty());
}

TEST(TlsContext, SettingsAreCheckedWithoutKeyMaterial) {
    EXPECT_EQ(checkTlsSettings({false, {"TLSv1.1"}, {}}).error().message,
              "httpServer.ssl.protocols: TLSv1.1 leaves nothing to serve (nativejmx serves TLSv1.2 and TLSv1.3 only)");
    EXPECT_EQ(checkTlsSettings({false, {}, {"TLS_NO_SUCH_SUITE"}}).error().message,
              "httpServer.ssl.ciphers: unknown cipher suite TLS_NO_SUCH_SUITE");
    EXPECT_EQ(checkTlsSettings({false, {"TLSv1.3"}, {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}}).error().message,
              "httpServer.ssl.ciphers: no cipher suite of TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 works with the "
              "protocols served (TLSv1.3)");
    EXPECT_TRUE(checkTlsSettings({true, {"TLSv1.3"}, {"TLS_AES_128_GCM_SHA256"}}));
}

TEST(TlsContext, CiphersAreJavaNames) {
    const TlsMaterial material = selfSignedMaterial();
    EXPECT_TRUE(TlsContext::create(material, {false, {}, {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}}));
    EXPECT_TRUE(TlsContext::create(material, {false, {}, {"TLS_AES_256_GCM_SHA384"}}));
    // The JDK lists this signalling value among its suites; configs copied from it keep working.
    EXPECT_TRUE(TlsContext::create(
        material, {false, {}, {"TLS_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"}}));
    EXPECT_EQ(errorOf(material, {false, {}, {"ECDHE-ECDSA-AES128-GCM-SHA256"}}),
              "httpServer.ssl.ciphers: unknown cipher suite ECDHE-ECDSA-AES128-GCM-SHA256");
}

TEST(TlsContext, CiphersMustFitTheProtocols) {
    EXPECT_EQ(errorOf(selfSignedMaterial(), {false, {"TLSv1.2"}, {"TLS_AES_256_GCM_SHA384"}}),
              "httpServer.ssl.ciphers: no cipher suite of TLS_AES_256_GCM_SHA384 works with the protocols served "
              "(TLSv1.2)");
    EXPECT_EQ(errorOf(selfSignedMaterial(), {false, {"TLSv1.3"}, {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}}),
              "httpServer.ssl.ciphers: no cipher suite of TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 works with the "
              "protocols served (TLSv1.3)");
}

TEST(TlsContext, MutualTlsNeedsTrustedCertificates) {
    TlsMaterial material = selfSignedMaterial();
    EXPECT_EQ(errorOf(material, {true, {}, {}}), "mutualTLS needs a trust store with certificates");
    material.trustedCertificates = {"not a certificate"};
    EXPECT_NE(errorOf(material, {true, {}, {}}).find("cannot parse a trusted certificate"), std::string::npos);
    material.trustedCertificates = {nj::test::makeSelfSigned("client").certificate,
                                    nj::test::makeSelfSigned("client").certificate};
    EXPECT_TRUE(TlsContext::create(material, {true, {}, {}}));
    // Without mutualTLS the trust store is not read at all, so nothing in it is checked.
    material.trustedCertificates = {"not a certificate"};
    EXPECT_TRUE(TlsContext::create(material, {false, {}, {}}));
}

}  // namespace
