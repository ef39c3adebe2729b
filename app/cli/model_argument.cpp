#include "model_argument.h"

#include "pconv/default_model.h"
#include "pconv/errors.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace pconv::cli {

std::string modelPathOrDefault(const ArgParser& parser, const std::string& ifMissing) {
    if (parser.has("model")) return parser.get("model");
    // The variable overrides the shipped model; a wrong one is its own mistake, not a missing models/ file.
    if (const char* env = std::getenv("PCONV_DEFAULT_MODEL"); env && *env && !std::filesystem::is_regular_file(env))
        throw FileError(env, std::string("named by PCONV_DEFAULT_MODEL, ") + (std::filesystem::exists(env) ? "is not a model file" : "does not exist") +
                                 "; fix or unset the variable, or give --model FILE");
    const auto shipped = findDefaultModel(currentExecutablePath());
    if (!shipped) throw parser.usageError(ifMissing);
    return *shipped;
}

void addPConvRunOptions(ArgParser& parser) {
    parser.option("mirror-views", "N",
                  "PConv: average the fills of N mirrored copies (1 = one pass, fastest; 2 = + left-right; 4 = + up-down; 8 = + the transposes of those; each view is one more pass)",
                  "2");
    parser.option("deep-holes", "HOW",
                  "PConv: in holes deeper than --deep-holes-from, texture copies the photo's own texture (patch synthesis) into the "
                  "network's fill (made at a coarser scale beyond 24 px deep); smooth leaves the network's fill (beyond 48 px, the "
                  "coarse one scaled up: blurred; the better PSNR)",
                  "texture");
    parser.option("deep-holes-from", "PX",
                  "PConv: how deep (px from a known pixel) a hole must be for --deep-holes texture; 8 gives every stroke wider "
                  "than about 16 px the photo's own texture instead of the network's smooth fill, as the editor does (it looks "
                  "far better; it scores lower in PSNR, which rewards a smooth mean)",
                  "48");
    parser.option("classical-edge", "PX",
                  "PConv: at the hole's edge, mix in the mean of Telea's and Navier-Stokes' fills (all of it at the edge, "
                  "exp(-(depth - 1) / PX) deeper in), which hides the network's faint seam; 0 = the network's fill alone",
                  "3");
}

PConvInpaintOptions pconvOptionsFromArgs(const ArgParser& parser) {
    const std::string text = parser.get("mirror-views");
    // Only the plain digits of an offered count: "08", "+2" or "2x" are refused, not read as a number.
    const bool digits = !text.empty() && text.size() < 3 && text.find_first_not_of("0123456789") == std::string::npos;
    const int views = digits ? std::stoi(text) : 0;
    if (!isMirrorViewCount(views) || std::to_string(views) != text)
        throw parser.usageError("--mirror-views must be " + mirrorViewCountsText() + ", got '" + text + "'");
    PConvInpaintOptions options;
    options.mirrorViews = views;
    const std::string deepHoles = parser.get("deep-holes");
    if (deepHoles != "texture" && deepHoles != "smooth") throw parser.usageError("--deep-holes must be texture or smooth, got '" + deepHoles + "'");
    options.deepHoleTexture = deepHoles == "texture";
    options.maxHoleDepth = parser.getDouble("deep-holes-from", 4, 100000);
    // The smooth fill of a hole under twice the coarse depth is best at full size: only texture starts shallower.
    if (!options.deepHoleTexture) options.maxHoleDepth = std::max(options.maxHoleDepth, 2 * options.coarseHoleDepth);
    options.classicalEdge = parser.getDouble("classical-edge", 0, 1000);
    return options;
}

void warnOfOptionsOfUnusedMethods(const ArgParser& parser, const std::vector<Method>& methods) {
    const bool pconv = std::find(methods.begin(), methods.end(), Method::PConv) != methods.end();
    const bool classical = std::any_of(methods.begin(), methods.end(), [](Method m) { return m != Method::PConv; });
    if (!pconv)
        for (const char* option : {"model", "mirror-views", "deep-holes", "deep-holes-from", "classical-edge"})
            parser.warnIgnored(option, "it is for --method pconv only");
    if (!classical) parser.warnIgnored("radius", "it is for --method telea and ns only");
}

} // namespace pconv::cli
