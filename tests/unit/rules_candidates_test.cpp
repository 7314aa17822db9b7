// The rule-candidate prefilter (RuleCandidates) against the plain loop, over every real-world
// config (../shared/realworld, read at run time): for each pattern input, every rule that
// matches is a candidate, so trying the candidates in order finds the plain loop's first
// matching rule.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "rules/config.h"
#include "rules/naming.h"
#include "rules/regex.h"
#include "rules/rule_candidates.h"
#include "rules_attribute_shapes.h"

namespace nj::rules {
namespace {

using shapes::Attribute;
using shapes::randomAttributes;
using shapes::realisticAttributes;

RuleCandidates::Inputs inputsOf(const Attribute& a) {
    const std::string snake = snakeCase(a.name);
    return {a.beanPart + a.name + ": " + a.value, a.beanPart + a.name + ": <cache>",
            a.beanPart + snake + ": " + a.value, a.beanPart + snake + ": <cache>"};
}

uint8_t variantOf(const Rule& rule) { return (rule.attrNameSnakeCase ? 2 : 0) + (rule.cache ? 1 : 0); }

TEST(RuleCandidates, FirstMatchingRuleIsThePlainLoopsOnEveryRealWorldConfig) {
    size_t configs = 0, matches = 0;
    for (const shapes::RealWorldConfig& world : shapes::realWorldConfigs()) {
        const Config* config = &world.config;
        std::vector<std::unique_ptr<Pattern>> compiled;
        std::vector<const Pattern*> patterns;
        std::vector<uint8_t> variants;
        std::vector<std::string> sources;
        for (const Rule& rule : config->rules) {
            compiled.push_back(rule.pattern ? std::move(Pattern::compile(*rule.pattern)).value() : nullptr);
            patterns.push_back(compiled.back().get());
            variants.push_back(variantOf(rule));
            if (rule.pattern) sources.push_back(*rule.pattern);
        }
        const RuleCandidates candidates(patterns, variants);
        configs++;

        std::vector<Attribute> attributes = realisticAttributes();
        for (Attribute& a : randomAttributes(sources, static_cast<unsigned>(configs), 4000)) attributes.push_back(a);
        std::vector<uint32_t> found;
        MatchGroups groups;
        for (const Attribute& attribute : attributes) {
            const RuleCandidates::Inputs inputs = inputsOf(attribute);
            candidates.find(inputs, found);
            const std::set<uint32_t> candidateSet(found.begin(), found.end());
            for (uint32_t rule = 0; rule < patterns.size(); rule++) {
                const std::string& input = inputs[variants[rule]];
                if (patterns[rule] != nullptr && !patterns[rule]->match(input, groups)) continue;
                EXPECT_TRUE(candidateSet.count(rule))
                    << world.file << " rules[" << rule << "] matches but is no candidate for: " << input;
                matches++;
            }
        }
    }
    EXPECT_GE(configs, 15u);
    // Enough inputs reach a rule for the comparison to mean something.
    EXPECT_GE(matches, 2500u);
}

}  // namespace
}  // namespace nj::rules
