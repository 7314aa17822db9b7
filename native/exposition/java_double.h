// Numbers printed and parsed exactly as Java does, because the javaagent's output is made of
// Java's Double.toString and its `value:` templates go through Double.valueOf (spec §5.6, §8.2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "exposition/metric_model.h"

namespace nj::expo {

// Java's Double.toString as of JDK 19 (shortest round-trip digits): "200.0", "1.0E-4",
// "1.23456789E7", "4.9E-324", "NaN", "-Infinity", "-0.0".
std::string formatJavaDouble(double value);
void appendJavaDouble(std::string& out, double value);

// Java's Float.toString as of JDK 19: the same rules on a float's shortest digits.
std::string formatJavaFloat(float value);
void appendJavaFloat(std::string& out, float value);

// A sample value as client_java's text writers print it: infinities as "+Inf" / "-Inf",
// Integer style (a summary's _count) as a Java long, everything else as Double.toString.
std::string formatPrometheusValue(double value, ValueStyle style = ValueStyle::Double);
void appendPrometheusValue(std::string& out, double value, ValueStyle style);

// Java's Double.valueOf(String): surrounding chars <= U+0020 trimmed, optional sign, decimal
// with optional exponent or hexadecimal with mandatory binary exponent, optional trailing
// f/F/d/D, "NaN" and "Infinity" (case-sensitive). Correctly rounded; nullopt where Java throws
// NumberFormatException.
std::optional<double> parseJavaDouble(std::string_view text);

}  // namespace nj::expo
