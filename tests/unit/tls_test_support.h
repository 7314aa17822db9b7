// Key material for TLS tests, made with OpenSSL at run time: an EC P-256 key and a self-signed
// certificate, as the DER bytes the agent hands to http::TlsContext.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace nj::test {

struct SelfSigned {
    std::string privateKeyPkcs8;  // DER
    std::string certificate;      // DER
};

template <class T, class Encode>
std::string derOf(T* object, Encode encode) {
    int length = encode(object, nullptr);
    if (length <= 0) throw std::runtime_error("cannot DER-encode test material");
    std::string der(static_cast<size_t>(length), '\0');
    auto out = reinterpret_cast<unsigned char*>(der.data());
    encode(object, &out);
    return der;
}

inline SelfSigned makeSelfSigned(const char* commonName = "localhost") {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), X509_free);
    if (!key || !certificate) throw std::runtime_error("cannot make test key material");
    X509_set_version(certificate.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 24 * 3600);
    X509_NAME* name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(commonName), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), name);
    X509_set_pubkey(certificate.get(), key.get());
    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0) throw std::runtime_error("cannot sign test certificate");
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> pkcs8(EVP_PKEY2PKCS8(key.get()),
                                                                                   PKCS8_PRIV_KEY_INFO_free);
    return {derOf(pkcs8.get(), i2d_PKCS8_PRIV_KEY_INFO), derOf(certificate.get(), i2d_X509)};
}

}  // namespace nj::test
