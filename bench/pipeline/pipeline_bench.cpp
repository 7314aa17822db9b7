// The agent's native half of a scrape, outside the JVM, on a recorded walk: decode, rules,
// families, text. For profiling the native cost (perf, callgrind) without a JVM's noise.
// Usage: nj_pipeline_bench WALK_FILE CONFIG_FILE [ROUNDS] [trim]
// trim: returns freed memory to the OS between rounds (malloc_trim), as the agent does after each
// scrape, and reports the resident size then: the cost of faulting it back in shows in the phases.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <malloc.h>
#include <sstream>
#include <string_view>
#include <unistd.h>

#include "exposition/families.h"
#include "exposition/text_writer.h"
#include "jvm/snapshot_decoder.h"
#include "rules/config.h"
#include "rules/engine.h"

using Clock = std::chrono::steady_clock;

long residentKibibytes() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char** argv) {
    if (argc < 3 || (argc > 4 && std::string_view(argv[4]) != "trim")) {
        std::cerr << "usage: nj_pipeline_bench WALK_FILE CONFIG_FILE [ROUNDS] [trim]\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::string walk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto config = nj::rules::loadConfigFile(argv[2]);
    if (!config) {
        std::cerr << config.error().message << "\n";
        return 1;
    }
    auto engine = nj::rules::Engine::create(std::make_shared<const nj::rules::Config>(std::move(config).value()));
    if (!engine) {
        std::cerr << engine.error().message << "\n";
        return 1;
    }
    int rounds = argc > 3 ? std::max(2, std::atoi(argv[3])) : 20;
    const bool trim = argc > 4;
    long residentKib = 0;
    double trimMs = 0;   // the malloc_trim calls themselves, all rounds but the first
    nj::expo::SampleOrders orders;
    double total[4] = {0, 0, 0, 0};
    double first = 0;   // the first round: the value memo is filled then
    size_t bytes = 0;
    size_t beans = 0;   // the last round's, as the agent passes the last walk's
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    for (int r = 0; r < rounds; ++r) {
        double phase[4];
        {
            auto t0 = Clock::now();
            auto decoded = nj::jvm::decodeWalk(walk, beans);
            auto t1 = Clock::now();
            beans = decoded->snapshot.beans.size();
            auto output = (*engine)->collect(decoded->snapshot);
            auto t2 = Clock::now();
            decoded->snapshot = nj::rules::Snapshot{};
            auto families = nj::expo::assembleJmxFamilies(std::move(output.samples), &orders);
            output.texts = nj::expo::TextArena{};
            auto t3 = Clock::now();
            std::string text;
            nj::expo::writeText004(*families, text);
            auto t4 = Clock::now();
            bytes = text.size();
            phase[0] = ms(t0, t1); phase[1] = ms(t1, t2); phase[2] = ms(t2, t3); phase[3] = ms(t3, t4);
        }   // the round's memory is freed here, as at the end of a scrape
        if (trim) {
            auto t5 = Clock::now();
            ::malloc_trim(0);
            if (r > 0) trimMs += ms(t5, Clock::now());
            residentKib = residentKibibytes();
        }
        if (r == 0) {
            first = phase[0] + phase[1] + phase[2] + phase[3];
            continue;
        }
        for (int i = 0; i < 4; i++) total[i] += phase[i];
    }
    int n = rounds - 1;
    std::printf("decode %.2f  rules %.2f  families %.2f  text %.2f  total %.2f ms  (%zu bytes); first round %.2f ms\n",
                total[0] / n, total[1] / n, total[2] / n, total[3] / n, (total[0] + total[1] + total[2] + total[3]) / n,
                bytes, first);
    if (trim) std::printf("malloc_trim %.2f ms; resident after the last round, trimmed: %ld KiB\n", trimMs / n, residentKib);
}
