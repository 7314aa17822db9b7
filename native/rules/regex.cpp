// rules::Pattern on RE2 and PCRE2 (regex.h, regex_engines.h). The pattern is wrapped as the
// javaagent wraps it, parsed with Java's syntax (java_regex.h), and written out for an engine
// with Java's meaning (regex_translate.h).
//
// Matching, RE2 engine: RE2's DFA decides (linear time); for a match with groups, PCRE2 (JIT)
// runs the same meaning to find them, and RE2's own submatch search is the fallback should
// PCRE2 give up. PCRE2 engine: an RE2 prefilter (a superset) rejects most inputs, then PCRE2.
#include "rules/regex.h"

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <re2/re2.h>

#include <algorithm>

#include "rules/java_regex.h"
#include "rules/regex_engines.h"
#include "rules/regex_translate.h"

namespace nj::rules {
namespace {

RE2::Options re2Options(bool capture) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_never_capture(!capture);
    return options;
}

// One match data block per thread, grown to the largest group count seen.
pcre2_match_data* threadMatchData(uint32_t pairs) {
    struct Holder {
        pcre2_match_data* data = nullptr;
        uint32_t pairs = 0;
        ~Holder() { pcre2_match_data_free(data); }
    };
    thread_local Holder holder;
    if (holder.pairs < pairs) {
        pcre2_match_data_free(holder.data);
        holder.data = pcre2_match_data_create(pairs, nullptr);
        holder.pairs = holder.data != nullptr ? pairs : 0;
    }
    return holder.data;
}

// One JIT stack per thread (PCRE2's default is 32 KiB on the machine stack).
pcre2_jit_stack* threadJitStack(void*) {
    struct Holder {
        pcre2_jit_stack* stack = pcre2_jit_stack_create(64 * 1024, 1024 * 1024, nullptr);
        ~Holder() { pcre2_jit_stack_free(stack); }
    };
    thread_local Holder holder;
    return holder.stack;
}

std::string pcre2ErrorText(int code) {
    PCRE2_UCHAR buffer[256];
    if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0) return "error " + std::to_string(code);
    return reinterpret_cast<const char*>(buffer);
}

bool isResourceLimit(int rc) {
    return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
           rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_NOMEMORY;
}

// Whether a set holds every ASCII character but \n and \r: Java's `.` (some flags add more).
bool dotOnAscii(const javaregex::Node& node) {
    if (node.kind != javaregex::NodeKind::Class || !node.cls.isExactSet()) return false;
    char32_t next = 0;   // the first ASCII character not yet seen in the set
    for (const auto& range : node.cls.set.ranges()) {
        while (next < 0x80 && next < range.first) {
            if (next != '\n' && next != '\r') return false;
            next++;
        }
        if (range.last >= next) next = range.last + 1;
    }
    for (; next < 0x80; next++) {
        if (next != '\n' && next != '\r') return false;
    }
    return true;
}

bool isDotStar(const javaregex::Node& node) {
    return node.kind == javaregex::NodeKind::Repeat && node.repeat == javaregex::RepeatKind::Greedy && node.min == 0 &&
           node.max == javaregex::kUnbounded && node.children.size() == 1 && dotOnAscii(node.children[0]);
}

// The user's pattern P when the wrapped pattern parsed as ^.*(?:P).*$ (a user pattern such as
// "a)|(b" breaks out of the wrapper), else null.
const javaregex::Node* plainWrapperBody(const javaregex::Node& root) {
    using javaregex::AssertionKind;
    using javaregex::NodeKind;
    if (root.kind != NodeKind::Sequence || root.children.size() != 5) return nullptr;
    const auto& c = root.children;
    bool start = c[0].kind == NodeKind::Assertion && c[0].assertion == AssertionKind::InputStart;
    bool end = c[4].kind == NodeKind::Assertion && (c[4].assertion == AssertionKind::EndOrBeforeFinalTerminator ||
                                                    c[4].assertion == AssertionKind::EndOrBeforeFinalNewline ||
                                                    c[4].assertion == AssertionKind::InputEnd);
    bool group = c[2].kind == NodeKind::Group && c[2].group == javaregex::GroupKind::NonCapturing &&
                 c[2].children.size() == 1;
    if (!start || !end || !group || !isDotStar(c[1]) || !isDotStar(c[3])) return nullptr;
    return &c[2].children[0];
}

}  // namespace

// A compiled PCRE2 pattern (JIT when available) with its match limits.
class Pcre2Program {
public:
    enum class Outcome { Match, NoMatch, Limit };

    static Result<std::unique_ptr<Pcre2Program>> compile(const std::string& text) {
        int errorCode = 0;
        PCRE2_SIZE errorOffset = 0;
        std::unique_ptr<Pcre2Program> program(new Pcre2Program());
        program->code_ =
            pcre2_compile(reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(),
                          PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &errorCode, &errorOffset, nullptr);
        if (program->code_ == nullptr) {
            return makeError("PCRE2 says " + pcre2ErrorText(errorCode) + " at offset " + std::to_string(errorOffset) +
                             " of " + text);
        }
        pcre2_jit_compile(program->code_, PCRE2_JIT_COMPLETE);   // without JIT the interpreter runs it
        program->context_ = pcre2_match_context_create(nullptr);
        if (program->context_ == nullptr) return makeError("out of memory compiling " + text);
        pcre2_set_match_limit(program->context_, JavaPattern::kMatchLimit);
        pcre2_set_depth_limit(program->context_, JavaPattern::kDepthLimit);
        pcre2_jit_stack_assign(program->context_, threadJitStack, nullptr);
        return program;
    }

    ~Pcre2Program() {
        pcre2_match_context_free(context_);
        pcre2_code_free(code_);
    }

    // Fills groups 0..groupCount on a match. Invalid UTF-8 (which a Java string cannot
    // produce) is no match.
    Outcome run(std::string_view input, int groupCount, MatchGroups& groups) const {
        const uint32_t count = static_cast<uint32_t>(groupCount) + 1;
        pcre2_match_data* data = threadMatchData(count);
        if (data == nullptr) return Outcome::Limit;
        const int rc =
            pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(input.data()), input.size(), 0, 0, data, context_);
        if (rc < 0) return isResourceLimit(rc) ? Outcome::Limit : Outcome::NoMatch;
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
        groups.groups.assign(count, std::nullopt);
        groups.groups[0] = input;
        for (uint32_t i = 1; i < count; i++) {
            if (ovector[2 * i] != PCRE2_UNSET)
                groups.groups[i] = input.substr(ovector[2 * i], ovector[2 * i + 1] - ovector[2 * i]);
        }
        return Outcome::Match;
    }

private:
    Pcre2Program() = default;
    pcre2_code* code_ = nullptr;
    pcre2_match_context* context_ = nullptr;
};

JavaPattern::JavaPattern() = default;
JavaPattern::~JavaPattern() = default;

Result<std::unique_ptr<Pattern>> Pattern::compile(std::string_view javaPattern) {
    Result<std::unique_ptr<JavaPattern>> compiled = JavaPattern::compile(javaPattern);
    if (!compiled) return compiled.error();
    return std::unique_ptr<Pattern>(std::move(compiled).value());
}

Result<std::unique_ptr<JavaPattern>> JavaPattern::compile(std::string_view javaPattern, EngineChoice choice) {
    // The javaagent compiles exactly this text (spec §5.2); parsing it whole keeps Java's
    // reading of unbalanced user patterns such as "a)|(b".
    const std::string wrapped = "^.*(?:" + std::string(javaPattern) + ").*$";
    Result<javaregex::ParsedPattern> parsed = javaregex::parseJavaPattern(wrapped);
    if (!parsed) return makeError(parsed.error().message + ": " + wrapped);

    std::unique_ptr<JavaPattern> pattern(new JavaPattern());
    pattern->source_ = std::string(javaPattern);
    pattern->groupCount_ = parsed->groupCount;
    pattern->namedGroups_ = parsed->namedGroups;
    Result<std::string> pcre2Text = javaregex::toPcre2(*parsed);
    if (const javaregex::Node* body = plainWrapperBody(parsed->root)) {
        pattern->valueAutomaton_ = ValueAutomaton::build(*body);
        if (!pattern->valueAutomaton_) {
            pattern->supersetAutomaton_ = ValueAutomaton::build(*body, ValueAutomaton::Mode::Superset);
        }
    }

    if (choice != EngineChoice::ForcePcre2) {
        javaregex::Re2Translation re2 = javaregex::toRe2(*parsed);
        if (re2.obstacle.empty()) {
            auto engine = std::make_unique<RE2>(re2.pattern, re2Options(true));
            if (engine->ok()) {
                pattern->enginePattern_ = std::move(re2.pattern);
                pattern->re2_ = std::move(engine);
                pattern->pcre2FindsGroups_ = choice == EngineChoice::Automatic && pcre2Text.ok();
                if (pattern->pcre2FindsGroups_) pattern->pcre2Pattern_ = std::move(*pcre2Text);
                return pattern;
            }
            pattern->pcre2Reason_ = "RE2 rejected it (" + engine->error() + ")";
        } else {
            pattern->pcre2Reason_ = std::move(re2.obstacle);
        }
    } else {
        pattern->pcre2Reason_ = "PCRE2 requested";
    }

    if (!pcre2Text) return pcre2Text.error();
    Result<std::unique_ptr<Pcre2Program>> program = Pcre2Program::compile(*pcre2Text);
    if (!program) return makeError("nativejmx cannot run this pattern (Java accepts it): " + program.error().message);
    pattern->pcre2_ = std::move(program).value();
    pattern->enginePattern_ = std::move(*pcre2Text);
    if (choice == EngineChoice::ForcePcre2) return pattern;

    std::string superset = javaregex::toRe2Superset(*parsed);
    auto prefilter = std::make_unique<RE2>(superset, re2Options(false));
    if (prefilter->ok()) {
        pattern->prefilterPattern_ = std::move(superset);
        pattern->prefilter_ = std::move(prefilter);
    }
    return pattern;
}

std::optional<int> JavaPattern::namedGroup(std::string_view name) const {
    auto it = std::find_if(namedGroups_.begin(), namedGroups_.end(), [&](const auto& e) { return e.first == name; });
    if (it == namedGroups_.end()) return std::nullopt;
    return it->second;
}

bool JavaPattern::match(std::string_view input, MatchGroups& groups) const {
    // An empty view may have no data pointer; the engines report group positions as pointers.
    if (input.data() == nullptr) input = std::string_view("", 0);
    const re2::StringPiece text(input.data(), input.size());
    if (re2_) {
        if (!RE2::FullMatch(text, *re2_)) return false;   // DFA only: no submatches asked
        if (groupCount_ == 0) {
            groups.groups.assign(1, input);
            return true;
        }
        if (const Pcre2Program* finder = captureProgram()) {
            if (finder->run(input, groupCount_, groups) == Pcre2Program::Outcome::Match) return true;
        }
        return re2Groups(input, groups);
    }
    if (prefilter_ && !RE2::FullMatch(text, *prefilter_)) return false;
    const Pcre2Program::Outcome outcome = pcre2_->run(input, groupCount_, groups);
    if (outcome == Pcre2Program::Outcome::Limit) limitHit_.store(true, std::memory_order_relaxed);
    return outcome == Pcre2Program::Outcome::Match;
}

const Pcre2Program* JavaPattern::captureProgram() const {
    std::call_once(groupFinderOnce_, [this] {
        if (!pcre2FindsGroups_) return;
        Result<std::unique_ptr<Pcre2Program>> program = Pcre2Program::compile(pcre2Pattern_);
        if (program) groupFinder_ = std::move(program).value();
    });
    return groupFinder_.get();
}

bool JavaPattern::re2Groups(std::string_view input, MatchGroups& groups) const {
    thread_local std::vector<re2::StringPiece> pieces;
    const size_t count = static_cast<size_t>(groupCount_) + 1;
    if (pieces.size() < count) pieces.resize(count);
    const re2::StringPiece text(input.data(), input.size());
    if (!re2_->Match(text, 0, input.size(), RE2::ANCHOR_BOTH, pieces.data(), static_cast<int>(count))) return false;
    groups.groups.assign(count, std::nullopt);
    groups.groups[0] = input;
    for (size_t i = 1; i < count; i++) {
        if (pieces[i].data() != nullptr) groups.groups[i] = std::string_view(pieces[i].data(), pieces[i].size());
    }
    return true;
}

const Pattern::ByteSet* JavaPattern::valueBytes() const {
    return valueAutomaton_ && !valueAutomaton_->matchesEmpty() ? &ValueAutomaton::valueBytes() : nullptr;
}

bool JavaPattern::matchesForAnyValue(std::string_view fixed) const {
    return valueAutomaton_ && valueAutomaton_->matchesWithin(fixed);
}

bool JavaPattern::groupsHoldForAnyValue(std::string_view input, size_t valueStart) const {
    if (valueBytes() == nullptr || valueStart > input.size()) return false;
    for (char c : input.substr(valueStart)) {
        if (!ValueAutomaton::valueBytes()[static_cast<unsigned char>(c)]) return false;
    }
    return valueAutomaton_->valueCannotMatter(input.substr(0, valueStart));
}

bool JavaPattern::neverMatchesForAnyValue(std::string_view fixed) const {
    const ValueAutomaton* automaton = valueAutomaton_ ? valueAutomaton_.get() : supersetAutomaton_.get();
    return automaton != nullptr && automaton->neverMatches(fixed);
}

}  // namespace nj::rules
