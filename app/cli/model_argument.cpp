#include "model_argument.h"

#include "pconv/default_model.h"

namespace pconv::cli {

std::string modelPathOrDefault(const ArgParser& parser, const std::string& ifMissing) {
    if (parser.has("model")) return parser.get("model");
    const auto shipped = findDefaultModel(currentExecutablePath());
    if (!shipped) throw parser.usageError(ifMissing);
    return *shipped;
}

void addMirrorViewsOption(ArgParser& parser) {
    parser.option("mirror-views", "N",
                  "PConv: average the fills of N mirrored copies (1 = one pass, fastest; 2 = + left-right; 4 = + up-down; 8 = + the transposes of those; each view is one more pass)",
                  "2");
}

PConvInpaintOptions pconvOptionsFromArgs(const ArgParser& parser) {
    const std::string text = parser.get("mirror-views");
    // Only the plain digits of an offered count: "08", "+2" or "2x" are refused, not read as a number.
    const bool digits = !text.empty() && text.size() < 3 && text.find_first_not_of("0123456789") == std::string::npos;
    const int views = digits ? std::stoi(text) : 0;
    if (!isMirrorViewCount(views) || std::to_string(views) != text)
        throw parser.usageError("--mirror-views must be " + mirrorViewCountsText() + ", got '" + text + "'");
    return PConvInpaintOptions{views};
}

} // namespace pconv::cli
