// parseObjectName against javax.management.ObjectName. Every expectation in kCases was printed
// by JDK 17 (new ObjectName(s): getCanonicalName() and isPattern(), or the
// MalformedObjectNameException message) for the same input.
#include "rules/object_name.h"

#include <gtest/gtest.h>

#include <string>

namespace nj::rules {
namespace {

struct ObjectNameCase {
    const char* name;
    bool accepted;
    const char* canonicalOrError;   // the canonical name if accepted, else Java's message
    bool isPattern;
};

const ObjectNameCase kCases[] = {
    {"", true, "*:*", true},
    {"java.lang:type=Memory", true, "java.lang:type=Memory", false},
    {"java.lang:*", true, "java.lang:*", true},
    {"*:*", true, "*:*", true},
    {":type=Foo", true, ":type=Foo", false},
    {"java.lang", false, "Key properties cannot be empty", false},
    {"java.lang:", false, "Key properties cannot be empty", false},
    {"a:b=", true, "a:b=", false},
    {"a:=c", false, "Invalid key (empty)", false},
    {"a:b=c,", false, "Invalid ending comma", false},
    {"a:b=c,,d=e", false, "Invalid character ',' in key part of property", false},
    {"a:b=c,*", true, "a:b=c,*", true},
    {"a:*,b=c", true, "a:b=c,*", true},
    {"a:*,*", false, "Cannot have several '*' characters in pattern property list", false},
    {"a:**", false, "Invalid character found after '*': end of name or ',' expected", false},
    {"a:b=c*", true, "a:b=c*", true},
    {"a:b=c?", true, "a:b=c?", true},
    {"a:b=*", true, "a:b=*", true},
    {"a:b=\"x\"", true, "a:b=\"x\"", false},
    {"a:b=\"x\"y", false, "Invalid ending character `y'", false},
    {"a:b=\"x\",c=d", true, "a:b=\"x\",c=d", false},
    {"a:b=\"x\\\"y\"", true, "a:b=\"x\\\"y\"", false},
    {"a:b=\"x\\ty\"", false, "Invalid escape sequence '\\t' in quoted value", false},
    {"a:b=\"x\\\\y\"", true, "a:b=\"x\\\\y\"", false},
    {"a:b=\"x\\ny\"", true, "a:b=\"x\\ny\"", false},
    {"a:b=\"x\ny\"", false, "Newline in quoted value", false},
    {"a:b=\"x*y\"", true, "a:b=\"x*y\"", true},
    {"a:b=\"x", false, "Unterminated quoted value", false},
    {"a:b=\"x\\", false, "Unterminated quoted value", false},
    {"a:b=x\"y", false, "Invalid character '\"' in value part of property", false},
    {"a:b=x:y", false, "Invalid character ':' in value part of property", false},
    {"a:b=x=y", false, "Invalid character '=' in value part of property", false},
    {"a:b c=d", true, "a:b c=d", false},
    {"a: b=c", true, "a: b=c", false},
    {"a:b=c, d=e", true, "a: d=e,b=c", false},
    {"a:b=c,b=d", false, "key `b' already defined", false},
    {"a*:b=c", true, "a*:b=c", true},
    {"a?b:c=d", true, "a?b:c=d", true},
    {"a=b:c=d", true, "a=b:c=d", false},
    {"a=b", false, "Domain part must be specified", false},
    {"a\nb:c=d", false, "Invalid character '\\n' in domain name", false},
    {"a:b*=c", false, "Invalid character '*' in key part of property", false},
    {"a:b?=c", false, "Invalid character '?' in key part of property", false},
    {"a:b:c=d", false, "Invalid character ':' in key part of property", false},
    {"a:type=x,name=y", true, "a:name=y,type=x", false},
    {"a:b=\"\",c=d", true, "a:b=\"\",c=d", false},
    {"a:b=\"\"", true, "a:b=\"\"", false},
    {"a:b=\"x\"*", false, "Invalid ending character `*'", false},
    {"a:b=\",c\"", true, "a:b=\",c\"", false},
    {"a:b=c,*,d=e", true, "a:b=c,d=e,*", true},
    {"a:*,", true, "a:,*", true},
    {"a:,b=c", false, "Invalid character ',' in key part of property", false},
    {"a:,", false, "Invalid character ',' in key part of property", false},
    {"a:b=\nc", false, "Invalid character '\\n' in value part of property", false},
    {"*", false, "Key properties cannot be empty", false},
    {"a:b=c d", true, "a:b=c d", false},
    {"org.apache.cassandra.metrics:type=ThreadPools,*", true, "org.apache.cassandra.metrics:type=ThreadPools,*", true},
    {"jboss.as:subsystem=transactions*", true, "jboss.as:subsystem=transactions*", true},
    {"a:b=c:d", false, "Invalid character ':' in value part of property", false},
    {"a:b=\"a:b\"", true, "a:b=\"a:b\"", false},
    {"a:b=\"a=b\"", true, "a:b=\"a=b\"", false},
    {"a:b=\"a,b\"", true, "a:b=\"a,b\"", false},
    {"a:b=\"x\\y\"", false, "Invalid escape sequence '\\y' in quoted value", false},
    {"a:b=c,d", false, "Unterminated key property part", false},
    {"a:b=\"x\",", false, "Invalid ending character `,'", false},
    {"a:b=c,d=", true, "a:b=c,d=", false},
    {"a:b=c,=d", false, "Invalid key (empty)", false},
    {"a:b=\"x\\*y\"", true, "a:b=\"x\\*y\"", false},
    {"a:b=\"x\\?y\"", true, "a:b=\"x\\?y\"", false},
    {"a:*,b=*", true, "a:b=*,*", true},
    {"a:b=c,d=e,*", true, "a:b=c,d=e,*", true},
    {":*", true, ":*", true},
    {"*:b=c", true, "*:b=c", true},
    {"a:b=*,b=c", false, "key `b' already defined", false},
    {"a:b=c,B=d", true, "a:B=d,b=c", false},
    {"a:b=\\", true, "a:b=\\", false},
    {"a:b=\"\\\\\"", true, "a:b=\"\\\\\"", false},
    {"a:=", false, "Invalid key (empty)", false},
    {"a:b==", false, "Invalid character '=' in value part of property", false},
    {"a:\"b\"=c", true, "a:\"b\"=c", false},
    {"a:b=c,*,*", false, "Cannot have several '*' characters in pattern property list", false},
    {"a:b=c,*x", false, "Invalid character found after '*': end of name or ',' expected", false},
    {"a:b=c,*,", true, "a:b=c,*", true},
    {"a:b=\"x\"x", false, "Invalid ending character `x'", false},
    {"a:b=\"x\",*", true, "a:b=\"x\",*", true},
    {"x:b=\",", false, "Unterminated quoted value", false},
    {"?:a=b", true, "?:a=b", true},
    {"a:b=\"x\"yc=d", true, "a:b=\"x\",c=d", false},
    {"a:b=\"x\"y,c=d", false, "Invalid character ',' in key part of property", false},
    {"a:b=c,*,d", false, "Unterminated key property part", false},
    {"=:a=b", true, "=:a=b", false},
    {"a=:b=c", true, "a=:b=c", false},
    {"a=", false, "Key properties cannot be empty", false},
    {"a:b=c\n", false, "Invalid character '\\n' in value part of property", false},
    {"a:b\n=c", false, "Invalid character '\\n' in key part of property", false},
    {"a=b\n:c=d", false, "Invalid character '\\n' in domain name", false},
    {"a:b=c,*\n", false, "Invalid character found after '*': end of name or ',' expected", false},
    {"a:b=ü,ä=ö", true, "a:b=ü,ä=ö", false},
    {"a:z=1,y=2,x=3", true, "a:x=3,y=2,z=1", false},
    {"a:b=1,a=2,c=3", true, "a:a=2,b=1,c=3", false},
    {"a:ab=1,a=2,B=3", true, "a:B=3,a=2,ab=1", false},
};

TEST(ObjectName, MatchesJdk17) {
    for (const ObjectNameCase& c : kCases) {
        SCOPED_TRACE(std::string("new ObjectName(\"") + c.name + "\")");
        Result<ObjectNameInfo> parsed = parseObjectName(c.name);
        ASSERT_EQ(parsed.ok(), c.accepted) << (parsed.ok() ? parsed->canonicalName : parsed.error().message);
        if (c.accepted) {
            EXPECT_EQ(parsed->canonicalName, c.canonicalOrError);
            EXPECT_EQ(parsed->isPattern, c.isPattern);
        } else {
            EXPECT_EQ(parsed.error().message, c.canonicalOrError);
        }
    }
}

}  // namespace
}  // namespace nj::rules
