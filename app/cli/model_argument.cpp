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
    const std::string views = parser.get("mirror-views");
    if (views != "1" && views != "2" && views != "4" && views != "8")
        throw parser.usageError("--mirror-views must be 1, 2, 4 or 8, got '" + views + "'");
    return PConvInpaintOptions{std::stoi(views)};
}

} // namespace pconv::cli
