// nativejmx-check: validates a config as the agent loads it, and dry-runs it against a bean dump.
// Exit status: 0 clean, 1 errors (or a bad command line, dump or dry run), 2 warnings only.
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "rules/bean_dump.h"
#include "tools/config_check.h"
#include "tools/dry_run.h"
#include "tools/explain.h"

namespace {

using nj::tools::Diagnostic;

constexpr const char* kUsage =
    "usage: nativejmx-check [--json] CONFIG [--beans DUMP [--explain NAME]]\n"
    "  CONFIG          the agent's YAML config: reports errors and warnings with file and line\n"
    "  --beans DUMP    a bean dump (nativejmx.beanDump): print the series the agent would serve\n"
    "  --explain NAME  instead, say why each rule did or did not match NAME: a pattern input such as\n"
    "                  'domain<k=v><>Attr', an ObjectName 'domain:k=v' (all its attributes), or\n"
    "                  'domain:k=v/Attr' (one attribute)\n"
    "  --json          one JSON object on stdout, for CI\n"
    "exit status: 0 clean, 1 errors, 2 warnings only\n";

struct Arguments {
    std::string config;
    std::optional<std::string> beans;
    std::optional<std::string> explain;
    bool json = false;
};

std::optional<Arguments> parseArguments(int argc, char** argv) {
    Arguments args;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        bool hasValue = i + 1 < argc;
        if (arg == "--json") args.json = true;
        else if (arg == "--beans" && hasValue) args.beans = argv[++i];
        else if (arg == "--explain" && hasValue) args.explain = argv[++i];
        else if (arg.starts_with("-") || !args.config.empty()) return std::nullopt;
        else args.config = arg;
    }
    if (args.config.empty() || (args.explain && !args.beans)) return std::nullopt;
    return args;
}

// What one run found: the diagnostics, then the dry run's text or why there is none.
struct Report {
    std::vector<Diagnostic> diagnostics;
    std::string output;                // series or explanation
    std::vector<std::string> failures; // dump, dry run or explain errors
    std::vector<std::string> notes;    // e.g. the scrape would abort

    int exitCode() const { return failures.empty() ? nj::tools::exitCodeFor(diagnostics) : 1; }
};

Report run(const Arguments& args) {
    Report report;
    nj::tools::ConfigCheck check = nj::tools::checkConfig(args.config);
    report.diagnostics = std::move(check.diagnostics);
    if (!args.beans) return report;
    if (!check.engine) {
        report.failures.push_back("no dry run: the agent would refuse " + args.config);
        return report;
    }
    nj::Result<nj::rules::Snapshot> snapshot = nj::rules::loadBeanDumpFile(*args.beans);
    if (!snapshot) {
        report.failures.push_back(snapshot.error().message);
        return report;
    }
    if (args.explain) {
        nj::Result<std::string> explained = nj::tools::explain(*check.engine, snapshot.value(), *args.explain);
        if (explained) report.output = std::move(explained).value();
        else report.failures.push_back(explained.error().message);
        return report;
    }
    nj::Result<nj::tools::DryRun> dry = nj::tools::dryRun(*check.engine, snapshot.value());
    if (!dry) {
        report.failures.push_back(dry.error().message);
        return report;
    }
    report.output = std::move(dry->text);
    if (dry->abortReason) report.notes.push_back("the scrape would abort (jmx_scrape_error 1): " + *dry->abortReason);
    for (std::string& note : dry->notes) report.notes.push_back(std::move(note));
    return report;
}

void printText(const Arguments& args, const Report& report) {
    // With a dump, stdout carries only the series (so it can be compared); the rest goes to stderr.
    std::ostream& messages = args.beans ? std::cerr : std::cout;
    size_t errors = 0;
    for (const Diagnostic& d : report.diagnostics) {
        bool error = d.severity == Diagnostic::Severity::Error;
        errors += error ? 1 : 0;
        messages << (error ? "error: " : "warning: ") << d.message << "\n";
    }
    for (const std::string& failure : report.failures) messages << "error: " << failure << "\n";
    for (const std::string& note : report.notes) messages << "note: " << note << "\n";
    std::cout << report.output;
    size_t warnings = report.diagnostics.size() - errors;
    messages << args.config << ": " << (errors == 0 && warnings == 0 ? "OK" : std::to_string(errors) + " error(s), " +
                                                                              std::to_string(warnings) + " warning(s)")
             << "\n";
}

void printJson(const Arguments& args, const Report& report) {
    using nj::json::Value;
    Value root = Value::object();
    root.add("config", Value::string(args.config));
    root.add("exitCode", Value::number(std::to_string(report.exitCode())));
    Value& list = root.add("diagnostics", Value::array());
    for (const Diagnostic& d : report.diagnostics) {
        Value& item = list.push(Value::object());
        item.add("severity", Value::string(d.severity == Diagnostic::Severity::Error ? "error" : "warning"));
        item.add("kind", Value::string(d.kind));
        item.add("line", Value::number(std::to_string(d.line)));
        item.add("message", Value::string(d.message));
    }
    Value& failures = root.add("failures", Value::array());
    for (const std::string& failure : report.failures) failures.push(Value::string(failure));
    Value& notes = root.add("notes", Value::array());
    for (const std::string& note : report.notes) notes.push(Value::string(note));
    if (args.beans) root.add(args.explain ? "explanation" : "series", Value::string(report.output));
    std::string out;
    nj::json::write(root, out, true);
    std::cout << out << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<Arguments> args = parseArguments(argc, argv);
    if (!args) {
        std::cerr << kUsage;
        return 1;
    }
    try {
        Report report = run(*args);
        if (args->json) printJson(*args, report);
        else printText(*args, report);
        return report.exitCode();
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
