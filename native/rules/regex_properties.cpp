#include "rules/regex_properties.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace nj::rules::javaregex {
namespace {

using Range = CodePointSet::Range;

ClassExpr exact(std::initializer_list<Range> ranges) {
    CodePointSet s;
    for (const Range& r : ranges) s.add(r.first, r.last);
    return ClassExpr::of(std::move(s));
}

// A property the engines know; re2Name empty when RE2 lacks it.
ClassExpr engine(std::string pcre2Name, std::string re2Name) {
    return ClassExpr::of(EngineProperty{std::move(pcre2Name), std::move(re2Name)});
}
ClassExpr category(std::string_view name) { return engine(std::string(name), std::string(name)); }
ClassExpr pcre2Only(std::string_view name) { return engine(std::string(name), ""); }

ClassExpr anyOf(std::initializer_list<ClassExpr> parts) {
    ClassExpr result = ClassExpr::of(CodePointSet());
    for (const ClassExpr& p : parts) result = ClassExpr::unite(std::move(result), p);
    return result;
}

// Java's ASCII ctype classes (java.util.regex.ASCII).
ClassExpr asciiPunct() { return exact({{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}}); }
ClassExpr asciiAlpha() { return exact({{'A', 'Z'}, {'a', 'z'}}); }

// Character.isLowerCase / isUpperCase / isTitleCase, and their union under (?i).
ClassExpr lowercase() { return pcre2Only("Lowercase"); }
ClassExpr uppercase() { return pcre2Only("Uppercase"); }
ClassExpr titlecase() { return category("Lt"); }
ClassExpr anyCase() { return anyOf({lowercase(), uppercase(), titlecase()}); }
ClassExpr casedLetters() { return anyOf({category("Lu"), category("Ll"), category("Lt")}); }

ClassExpr alphabetic() { return pcre2Only("Alphabetic"); }
ClassExpr spaceSeparators() {   // Zs, Zl, Zp: a fixed list since Unicode 6.3
    return exact({{0x20, 0x20}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029},
                  {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}});
}
ClassExpr hexDigit() {   // Java: Nd plus the ASCII and fullwidth hex letters and digits
    return anyOf({category("Nd"), exact({{'0', '9'}, {'A', 'F'}, {'a', 'f'}, {0xFF10, 0xFF19},
                                         {0xFF21, 0xFF26}, {0xFF41, 0xFF46}})});
}
ClassExpr unassigned() { return pcre2Only("Cn"); }
ClassExpr control() { return category("Cc"); }
ClassExpr identifierIgnorable() {   // Character.isIdentifierIgnorable
    return anyOf({exact({{0x00, 0x08}, {0x0E, 0x1B}, {0x7F, 0x9F}}), category("Cf")});
}
ClassExpr otherIdStart() { return exact({{0x1885, 0x1886}, {0x2118, 0x2118}, {0x212E, 0x212E}, {0x309B, 0x309C}}); }

ClassExpr graph() {   // not White_Space, Cc, Cs or Cn
    return ClassExpr::complement(anyOf({spaceSeparators(), control(), category("Cs"), unassigned()}));
}
ClassExpr blank() { return anyOf({category("Zs"), exact({{'\t', '\t'}})}); }

std::string upperAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

// Character.UnicodeScript (JDK 25): enum name and four-letter alias.
constexpr std::array<std::pair<std::string_view, std::string_view>, 171> kScripts{{
    {"COMMON", "ZYYY"}, {"LATIN", "LATN"}, {"GREEK", "GREK"}, {"CYRILLIC", "CYRL"},
    {"ARMENIAN", "ARMN"}, {"HEBREW", "HEBR"}, {"ARABIC", "ARAB"}, {"SYRIAC", "SYRC"},
    {"THAANA", "THAA"}, {"DEVANAGARI", "DEVA"}, {"BENGALI", "BENG"}, {"GURMUKHI", "GURU"},
    {"GUJARATI", "GUJR"}, {"ORIYA", "ORYA"}, {"TAMIL", "TAML"}, {"TELUGU", "TELU"},
    {"KANNADA", "KNDA"}, {"MALAYALAM", "MLYM"}, {"SINHALA", "SINH"}, {"THAI", "THAI"},
    {"LAO", "LAOO"}, {"TIBETAN", "TIBT"}, {"MYANMAR", "MYMR"}, {"GEORGIAN", "GEOR"},
    {"HANGUL", "HANG"}, {"ETHIOPIC", "ETHI"}, {"CHEROKEE", "CHER"}, {"CANADIAN_ABORIGINAL", "CANS"},
    {"OGHAM", "OGAM"}, {"RUNIC", "RUNR"}, {"KHMER", "KHMR"}, {"MONGOLIAN", "MONG"},
    {"HIRAGANA", "HIRA"}, {"KATAKANA", "KANA"}, {"BOPOMOFO", "BOPO"}, {"HAN", "HANI"},
    {"YI", "YIII"}, {"OLD_ITALIC", "ITAL"}, {"GOTHIC", "GOTH"}, {"DESERET", "DSRT"},
    {"INHERITED", "ZINH"}, {"TAGALOG", "TGLG"}, {"HANUNOO", "HANO"}, {"BUHID", "BUHD"},
    {"TAGBANWA", "TAGB"}, {"LIMBU", "LIMB"}, {"TAI_LE", "TALE"}, {"LINEAR_B", "LINB"},
    {"UGARITIC", "UGAR"}, {"SHAVIAN", "SHAW"}, {"OSMANYA", "OSMA"}, {"CYPRIOT", "CPRT"},
    {"BRAILLE", "BRAI"}, {"BUGINESE", "BUGI"}, {"COPTIC", "COPT"}, {"NEW_TAI_LUE", "TALU"},
    {"GLAGOLITIC", "GLAG"}, {"TIFINAGH", "TFNG"}, {"SYLOTI_NAGRI", "SYLO"}, {"OLD_PERSIAN", "XPEO"},
    {"KHAROSHTHI", "KHAR"}, {"BALINESE", "BALI"}, {"CUNEIFORM", "XSUX"}, {"PHOENICIAN", "PHNX"},
    {"PHAGS_PA", "PHAG"}, {"NKO", "NKOO"}, {"SUNDANESE", "SUND"}, {"BATAK", "BATK"},
    {"LEPCHA", "LEPC"}, {"OL_CHIKI", "OLCK"}, {"VAI", "VAII"}, {"SAURASHTRA", "SAUR"},
    {"KAYAH_LI", "KALI"}, {"REJANG", "RJNG"}, {"LYCIAN", "LYCI"}, {"CARIAN", "CARI"},
    {"LYDIAN", "LYDI"}, {"CHAM", "CHAM"}, {"TAI_THAM", "LANA"}, {"TAI_VIET", "TAVT"},
    {"AVESTAN", "AVST"}, {"EGYPTIAN_HIEROGLYPHS", "EGYP"}, {"SAMARITAN", "SAMR"}, {"MANDAIC", "MAND"},
    {"LISU", "LISU"}, {"BAMUM", "BAMU"}, {"JAVANESE", "JAVA"}, {"MEETEI_MAYEK", "MTEI"},
    {"IMPERIAL_ARAMAIC", "ARMI"}, {"OLD_SOUTH_ARABIAN", "SARB"}, {"INSCRIPTIONAL_PARTHIAN", "PRTI"},
    {"INSCRIPTIONAL_PAHLAVI", "PHLI"}, {"OLD_TURKIC", "ORKH"}, {"BRAHMI", "BRAH"}, {"KAITHI", "KTHI"},
    {"MEROITIC_HIEROGLYPHS", "MERO"}, {"MEROITIC_CURSIVE", "MERC"}, {"SORA_SOMPENG", "SORA"},
    {"CHAKMA", "CAKM"}, {"SHARADA", "SHRD"}, {"TAKRI", "TAKR"}, {"MIAO", "PLRD"},
    {"CAUCASIAN_ALBANIAN", "AGHB"}, {"BASSA_VAH", "BASS"}, {"DUPLOYAN", "DUPL"}, {"ELBASAN", "ELBA"},
    {"GRANTHA", "GRAN"}, {"PAHAWH_HMONG", "HMNG"}, {"KHOJKI", "KHOJ"}, {"LINEAR_A", "LINA"},
    {"MAHAJANI", "MAHJ"}, {"MANICHAEAN", "MANI"}, {"MENDE_KIKAKUI", "MEND"}, {"MODI", "MODI"},
    {"MRO", "MROO"}, {"OLD_NORTH_ARABIAN", "NARB"}, {"NABATAEAN", "NBAT"}, {"PALMYRENE", "PALM"},
    {"PAU_CIN_HAU", "PAUC"}, {"OLD_PERMIC", "PERM"}, {"PSALTER_PAHLAVI", "PHLP"}, {"SIDDHAM", "SIDD"},
    {"KHUDAWADI", "SIND"}, {"TIRHUTA", "TIRH"}, {"WARANG_CITI", "WARA"}, {"AHOM", "AHOM"},
    {"ANATOLIAN_HIEROGLYPHS", "HLUW"}, {"HATRAN", "HATR"}, {"MULTANI", "MULT"}, {"OLD_HUNGARIAN", "HUNG"},
    {"SIGNWRITING", "SGNW"}, {"ADLAM", "ADLM"}, {"BHAIKSUKI", "BHKS"}, {"MARCHEN", "MARC"},
    {"NEWA", "NEWA"}, {"OSAGE", "OSGE"}, {"TANGUT", "TANG"}, {"MASARAM_GONDI", "GONM"},
    {"NUSHU", "NSHU"}, {"SOYOMBO", "SOYO"}, {"ZANABAZAR_SQUARE", "ZANB"}, {"HANIFI_ROHINGYA", "ROHG"},
    {"OLD_SOGDIAN", "SOGO"}, {"SOGDIAN", "SOGD"}, {"DOGRA", "DOGR"}, {"GUNJALA_GONDI", "GONG"},
    {"MAKASAR", "MAKA"}, {"MEDEFAIDRIN", "MEDF"}, {"ELYMAIC", "ELYM"}, {"NANDINAGARI", "NAND"},
    {"NYIAKENG_PUACHUE_HMONG", "HMNP"}, {"WANCHO", "WCHO"}, {"YEZIDI", "YEZI"}, {"CHORASMIAN", "CHRS"},
    {"DIVES_AKURU", "DIAK"}, {"KHITAN_SMALL_SCRIPT", "KITS"}, {"VITHKUQI", "VITH"}, {"OLD_UYGHUR", "OUGR"},
    {"CYPRO_MINOAN", "CPMN"}, {"TANGSA", "TNSA"}, {"TOTO", "TOTO"}, {"KAWI", "KAWI"},
    {"NAG_MUNDARI", "NAGM"}, {"TODHRI", "TODR"}, {"GARAY", "GARA"}, {"TULU_TIGALARI", "TUTG"},
    {"SUNUWAR", "SUNU"}, {"GURUNG_KHEMA", "GUKH"}, {"KIRAT_RAI", "KRAI"}, {"OL_ONAL", "ONAO"},
    {"UNKNOWN", "ZZZZ"},
}};

// "OLD_ITALIC" -> "Old_Italic", RE2's spelling for most scripts (a script RE2 spells
// differently, or lacks, fails RE2's compile and runs on PCRE2).
std::string titleCase(std::string_view enumName) {
    std::string out(enumName);
    bool wordStart = true;
    for (char& c : out) {
        if (c == '_') {
            wordStart = true;
        } else {
            if (!wordStart && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            wordStart = false;
        }
    }
    return out;
}

}  // namespace

const CodePointSet& lineTerminators() {
    static const CodePointSet set = [] {
        CodePointSet s = CodePointSet::range('\n', '\n');
        s.add('\r');
        s.add(0x85);
        s.add(0x2028, 0x2029);
        return s;
    }();
    return set;
}

ClassExpr asciiDigit() { return exact({{'0', '9'}}); }
ClassExpr asciiSpace() { return exact({{'\t', '\r'}, {' ', ' '}}); }
ClassExpr asciiWord() { return exact({{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}); }
ClassExpr unicodeDigit() { return category("Nd"); }
ClassExpr whiteSpace() { return ClassExpr::unite(spaceSeparators(), exact({{0x09, 0x0D}, {0x85, 0x85}})); }
ClassExpr unicodeWord() {
    return anyOf({alphabetic(), category("Mn"), category("Me"), category("Mc"), category("Nd"), category("Pc"),
                  exact({{0x200C, 0x200D}})});
}
ClassExpr horizontalSpace() {
    return exact({{0x09, 0x09}, {0x20, 0x20}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x180E, 0x180E},
                  {0x2000, 0x200A}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}});
}
ClassExpr verticalSpace() { return exact({{0x0A, 0x0D}, {0x85, 0x85}, {0x2028, 0x2029}}); }

std::optional<ClassExpr> propertyClass(std::string_view name, bool caseInsensitive) {
    // General categories both engines know (Lu, Ll and Lt widen to all cased letters under (?i)).
    static constexpr std::array<std::string_view, 32> kCategories{
        "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs", "Pd",
        "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf", "L",  "M",  "N",  "Z",  "P",  "S"};
    if (name == "Lu" || name == "Ll" || name == "Lt") return caseInsensitive ? casedLetters() : category(name);
    if (std::find(kCategories.begin(), kCategories.end(), name) != kCategories.end()) return category(name);
    if (name == "Cn") return unassigned();
    if (name == "C") return pcre2Only("C");   // RE2's C lacks the unassigned code points
    if (name == "LC") return casedLetters();
    if (name == "LD") return anyOf({category("L"), category("Nd")});
    if (name == "L1") return exact({{0x00, 0xFF}});
    if (name == "all") return ClassExpr::of(CodePointSet::all());
    if (name == "ASCII") return exact({{0x00, 0x7F}});
    if (name == "Alnum") return exact({{'0', '9'}, {'A', 'Z'}, {'a', 'z'}});
    if (name == "Alpha") return asciiAlpha();
    if (name == "Blank") return exact({{'\t', '\t'}, {' ', ' '}});
    if (name == "Cntrl") return exact({{0x00, 0x1F}, {0x7F, 0x7F}});
    if (name == "Digit") return asciiDigit();
    if (name == "Graph") return exact({{0x21, 0x7E}});
    if (name == "Lower") return caseInsensitive ? asciiAlpha() : exact({{'a', 'z'}});
    if (name == "Print") return exact({{0x20, 0x7E}});
    if (name == "Punct") return asciiPunct();
    if (name == "Space") return asciiSpace();
    if (name == "Upper") return caseInsensitive ? asciiAlpha() : exact({{'A', 'Z'}});
    if (name == "XDigit") return exact({{'0', '9'}, {'A', 'F'}, {'a', 'f'}});
    if (name == "javaLowerCase") return caseInsensitive ? anyCase() : lowercase();
    if (name == "javaUpperCase") return caseInsensitive ? anyCase() : uppercase();
    if (name == "javaTitleCase") return caseInsensitive ? anyCase() : titlecase();
    if (name == "javaAlphabetic") return alphabetic();
    if (name == "javaIdeographic") return pcre2Only("Ideographic");
    if (name == "javaDigit") return category("Nd");
    if (name == "javaDefined") return ClassExpr::complement(unassigned());
    if (name == "javaLetter") return category("L");
    if (name == "javaLetterOrDigit") return anyOf({category("L"), category("Nd")});
    if (name == "javaJavaIdentifierStart") {
        return anyOf({category("L"), category("Nl"), category("Sc"), category("Pc")});
    }
    if (name == "javaJavaIdentifierPart") {
        return anyOf({category("L"), category("Nl"), category("Sc"), category("Pc"), category("Nd"),
                      category("Mc"), category("Mn"), identifierIgnorable()});
    }
    // Character.isUnicodeIdentifierStart/Part follow UAX #31 (ID_Start, ID_Continue); the
    // Other_ID_* code points are listed, the pattern-syntax exclusions are not.
    if (name == "javaUnicodeIdentifierStart") return anyOf({category("L"), category("Nl"), otherIdStart()});
    if (name == "javaUnicodeIdentifierPart") {
        return anyOf({category("L"), category("Nl"), category("Pc"), category("Nd"), category("Mc"),
                      category("Mn"), identifierIgnorable(), otherIdStart(),
                      exact({{0xB7, 0xB7}, {0x387, 0x387}, {0x1369, 0x1371}, {0x19DA, 0x19DA}})});
    }
    if (name == "javaIdentifierIgnorable") return identifierIgnorable();
    if (name == "javaSpaceChar") return spaceSeparators();
    if (name == "javaWhitespace") {   // separators except the no-break spaces, and \t-\r \x1C-\x1F
        return exact({{0x09, 0x0D}, {0x1C, 0x20}, {0x1680, 0x1680}, {0x2000, 0x2006}, {0x2008, 0x200A},
                      {0x2028, 0x2029}, {0x205F, 0x205F}, {0x3000, 0x3000}});
    }
    if (name == "javaISOControl") return exact({{0x00, 0x1F}, {0x7F, 0x9F}});
    if (name == "javaMirrored") return pcre2Only("Bidi_Mirrored");
    return std::nullopt;
}

std::optional<ClassExpr> unicodePosixClass(std::string_view name, bool caseInsensitive) {
    const std::string upper = upperAscii(name);
    if (upper == "ALPHA") return alphabetic();
    if (upper == "LOWER") return caseInsensitive ? anyCase() : lowercase();
    if (upper == "UPPER") return caseInsensitive ? anyCase() : uppercase();
    if (upper == "SPACE") return whiteSpace();
    if (upper == "PUNCT") return category("P");
    if (upper == "XDIGIT") return hexDigit();
    if (upper == "ALNUM") return anyOf({alphabetic(), category("Nd")});
    if (upper == "CNTRL") return control();
    if (upper == "DIGIT") return category("Nd");
    if (upper == "BLANK") return blank();
    if (upper == "GRAPH") return graph();
    if (upper == "PRINT") {
        return ClassExpr::intersect(ClassExpr::unite(graph(), blank()), ClassExpr::complement(control()));
    }
    return std::nullopt;
}

std::optional<ClassExpr> unicodePropertyClass(std::string_view name, bool caseInsensitive) {
    const std::string upper = upperAscii(name);
    if (upper == "ALPHABETIC") return alphabetic();
    if (upper == "ASSIGNED") return ClassExpr::complement(unassigned());
    if (upper == "CONTROL") return control();
    if (upper == "EMOJI") return pcre2Only("Emoji");
    if (upper == "EMOJI_PRESENTATION") return pcre2Only("Emoji_Presentation");
    if (upper == "EMOJI_MODIFIER") return pcre2Only("Emoji_Modifier");
    if (upper == "EMOJI_MODIFIER_BASE") return pcre2Only("Emoji_Modifier_Base");
    if (upper == "EMOJI_COMPONENT") return pcre2Only("Emoji_Component");
    if (upper == "EXTENDED_PICTOGRAPHIC") return pcre2Only("Extended_Pictographic");
    if (upper == "HEXDIGIT" || upper == "HEX_DIGIT") return hexDigit();
    if (upper == "IDEOGRAPHIC") return pcre2Only("Ideographic");
    if (upper == "JOINCONTROL" || upper == "JOIN_CONTROL") return exact({{0x200C, 0x200D}});
    if (upper == "LETTER") return category("L");
    if (upper == "LOWERCASE") return caseInsensitive ? anyCase() : lowercase();
    if (upper == "NONCHARACTERCODEPOINT" || upper == "NONCHARACTER_CODE_POINT") {
        CodePointSet s = CodePointSet::range(0xFDD0, 0xFDEF);
        for (char32_t plane = 0; plane <= 0x10; plane++) s.add((plane << 16) | 0xFFFE, (plane << 16) | 0xFFFF);
        return ClassExpr::of(std::move(s));
    }
    if (upper == "TITLECASE") return caseInsensitive ? anyCase() : titlecase();
    if (upper == "PUNCTUATION") return category("P");
    if (upper == "UPPERCASE") return caseInsensitive ? anyCase() : uppercase();
    if (upper == "WHITESPACE" || upper == "WHITE_SPACE") return whiteSpace();
    if (upper == "WORD") return unicodeWord();
    return unicodePosixClass(name, caseInsensitive);
}

std::optional<ClassExpr> scriptClass(std::string_view name) {
    const std::string upper = upperAscii(name);
    for (const auto& [enumName, alias] : kScripts) {
        if (upper == enumName || upper == alias) {
            return engine("sc:" + std::string(enumName), titleCase(enumName));
        }
    }
    return std::nullopt;
}

}  // namespace nj::rules::javaregex
