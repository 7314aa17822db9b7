// httpServer.ssl key and trust stores completed from the javax.net.ssl.* system properties
// (spec §11.7), as rules::completeStore does it for the agent.
#include <stdlib.h>

#include <map>

#include <gtest/gtest.h>

#include "rules/config.h"

using nj::rules::completeStore;
using nj::rules::StoreConfig;
using nj::rules::StoreKind;

namespace {

auto propertiesOf(std::map<std::string, std::string> properties) {
    return [properties](const std::string& name) {
        auto found = properties.find(name);
        return found == properties.end() ? std::string() : found->second;
    };
}

TEST(CompleteStore, TheConfigWinsOverSystemProperties) {
    StoreConfig configured{"/etc/app/server.p12", "PKCS12", "secret"};
    auto store = completeStore(configured, StoreKind::Key,
                               propertiesOf({{"javax.net.ssl.keyStore", "/other.jks"},
                                             {"javax.net.ssl.keyStoreType", "JKS"},
                                             {"javax.net.ssl.keyStorePassword", "other"}}));
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->filename, "/etc/app/server.p12");
    EXPECT_EQ(store->type, "PKCS12");
    EXPECT_EQ(store->password, "secret");
}

TEST(CompleteStore, WhatTheConfigLeavesOutComesFromTheProperties) {
    auto store = completeStore({}, StoreKind::Key,
                               propertiesOf({{"javax.net.ssl.keyStore", "/other.jks"},
                                             {"javax.net.ssl.keyStoreType", "JKS"},
                                             {"javax.net.ssl.keyStorePassword", "other"},
                                             {"javax.net.ssl.trustStore", "/trust.jks"}}));
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->filename, "/other.jks");
    EXPECT_EQ(store->type, "JKS");
    EXPECT_EQ(store->password, "other");
}

TEST(CompleteStore, TrustStoreReadsItsOwnProperties) {
    auto store = completeStore({std::nullopt, std::nullopt, "fromConfig"}, StoreKind::Trust,
                               propertiesOf({{"javax.net.ssl.keyStore", "/key.jks"},
                                             {"javax.net.ssl.trustStore", "/trust.jks"}}));
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->filename, "/trust.jks");
    EXPECT_EQ(store->type, std::nullopt);  // KeyStore.getDefaultType() in the JVM
    EXPECT_EQ(store->password, "fromConfig");
}

TEST(CompleteStore, APasswordPropertyGoesThroughVariableResolution) {
    setenv("NJ_TLS_STORE_SECRET", " s3cret ", 1);
    auto store = completeStore({"/k.p12", std::nullopt, std::nullopt}, StoreKind::Key,
                               propertiesOf({{"javax.net.ssl.keyStorePassword", "${NJ_TLS_STORE_SECRET}"}}));
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->password, "s3cret");
    unsetenv("NJ_TLS_STORE_UNSET");
    auto unset = completeStore({"/k.p12", std::nullopt, std::nullopt}, StoreKind::Key,
                               propertiesOf({{"javax.net.ssl.keyStorePassword", "${NJ_TLS_STORE_UNSET}"}}));
    ASSERT_FALSE(unset);
    EXPECT_EQ(unset.error().message,
              "system property javax.net.ssl.keyStorePassword: Environment variable '${NJ_TLS_STORE_UNSET}' not "
              "defined");
    unsetenv("NJ_TLS_STORE_SECRET");
}

TEST(CompleteStore, FilenameAndPasswordAreRequired) {
    auto noFile = completeStore({std::nullopt, std::nullopt, "pw"}, StoreKind::Key, propertiesOf({}));
    ASSERT_FALSE(noFile);
    EXPECT_EQ(noFile.error().message,
              "httpServer.ssl.keyStore.filename is not set, nor is the system property javax.net.ssl.keyStore");
    auto noPassword = completeStore({"/t.p12", std::nullopt, std::nullopt}, StoreKind::Trust, propertiesOf({}));
    ASSERT_FALSE(noPassword);
    EXPECT_EQ(noPassword.error().message,
              "httpServer.ssl.trustStore.password is not set, nor is the system property "
              "javax.net.ssl.trustStorePassword");
}

}  // namespace
