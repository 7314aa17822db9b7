// The writers' output as a string, for tests.
#pragma once

#include <string>
#include <vector>

#include "exposition/text_writer.h"

inline std::string text004(const std::vector<nj::expo::Family>& families) {
    std::string out;
    nj::expo::writeText004(families, out);
    return out;
}

inline std::string openMetrics(const std::vector<nj::expo::Family>& families) {
    std::string out;
    nj::expo::writeOpenMetrics(families, out);
    return out;
}
