// `pconv masks`: random training masks, and masked samples from a photo folder,
// with the seed project's options (num_mask, min_units, max_units, new_mask_path,
// im_file, new_im_path).
#include "arg_parser.h"
#include "commands.h"
#include "terminal_progress.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/mask_batch.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace pconv::cli {
namespace {

// "512" or "640x480".
// 16 px at least, as in the editor's Generate Masks: below that the shapes' strokes cover
// the whole mask.
constexpr int kMinMaskSide = 16, kMaxMaskSide = 16384;

std::pair<int, int> parseSize(const ArgParser& parser) {
    const std::string text = parser.get("size");
    try {
        size_t used = 0;
        const auto x = text.find('x');
        if (x == std::string::npos) {
            const int side = std::stoi(text, &used);
            if (used == text.size() && side >= kMinMaskSide && side <= kMaxMaskSide) return {side, side};
        } else {
            const int w = std::stoi(text.substr(0, x), &used);
            const bool wOk = used == x;
            const int h = std::stoi(text.substr(x + 1), &used);
            if (wOk && used == text.size() - x - 1 && std::min(w, h) >= kMinMaskSide && std::max(w, h) <= kMaxMaskSide) return {w, h};
        }
    } catch (const std::exception&) {
    }
    throw parser.usageError("--size must be S or WxH with sides from " + std::to_string(kMinMaskSide) + " to " + std::to_string(kMaxMaskSide) +
                            ", got '" + text + "'");
}

} // namespace

int runMasks(const Args& args) {
    ArgParser parser("pconv masks",
                     "Generate random irregular hole masks (lines, rectangles, ellipses, circles) as mask_000.png, mask_001.png, ... (255 = hole).\n"
                     "With --images, also write every photo x mask as <stem>_<n>.png: [photo | masked photo].");
    parser.option("count", "N", "number of masks", std::nullopt, true);
    parser.option("min-units", "A", "fewest shapes of each kind per mask (needed unless --hole-ratio is given)");
    parser.option("max-units", "B", "most shapes of each kind per mask (needed unless --hole-ratio is given)");
    parser.synopsis("--count N (--min-units A --max-units B | --hole-ratio LO:HI) --out-masks DIR");
    parser.option("out-masks", "DIR", "folder for the masks (created if missing)", std::nullopt, true);
    parser.option("size", "S|WxH", "mask size in pixels", "512");
    parser.option("images", "DIR", "photos to turn into masked samples (scaled and centre-cropped to the mask size; the folder itself, not its subfolders)");
    parser.option("out-images", "DIR", "folder for the masked samples (needed with --images)");
    parser.option("seed", "S", "random seed (the same seed gives the same masks)", "0");
    parser.option("hole-ratio", "LO:HI",
                  "instead of unit counts: hole fractions spread evenly over LO..HI, e.g. 0.1:0.5 (each mask is filled to a ratio drawn in that range)");
    parser.flag("force", "write into folders that already hold masks or samples (same names are overwritten)");
    if (!parser.parse(args)) {
        std::cout << parser.help();
        return 0;
    }
    if (parser.has("images") != parser.has("out-images")) throw parser.usageError("--images and --out-images go together");

    MaskBatchOptions options;
    options.count = parser.getInt("count", 1, 10'000'000);
    // The shape counts come from the units, or follow from a hole-ratio target: not both.
    if (parser.has("hole-ratio")) {
        if (parser.has("min-units") || parser.has("max-units"))
            throw parser.usageError("--min-units/--max-units and --hole-ratio do not go together: with --hole-ratio the shape counts "
                                    "follow from the target");
    } else {
        if (!parser.has("min-units") || !parser.has("max-units"))
            throw parser.usageError("give --min-units and --max-units (shapes of each kind per mask), or --hole-ratio LO:HI");
        options.generator.minUnits = parser.getInt("min-units", 0, 1000);
        options.generator.maxUnits = parser.getInt("max-units", 0, 1000);
        if (options.generator.maxUnits < options.generator.minUnits) throw parser.usageError("--max-units must be >= --min-units");
        if (options.generator.maxUnits == 0)
            throw parser.usageError("--max-units 0 draws no shapes, so every mask would be empty: raise it, or give --hole-ratio");
    }
    std::tie(options.generator.width, options.generator.height) = parseSize(parser);
    if (parser.has("hole-ratio")) {
        try {
            options.generator.holeRatio = parseHoleRatioRange(parser.get("hole-ratio"));
        } catch (const InvalidArgument& e) {
            throw parser.usageError(std::string("--hole-ratio: ") + e.what());
        }
    }
    options.seed = parser.getSeed("seed");
    options.maskFolder = parser.get("out-masks");
    options.imageFolder = parser.get("images");
    options.sampleFolder = parser.get("out-images");
    // A second batch of another size or count would mix with the first one's files: ask first.
    if (!parser.flagSet("force"))
        if (const std::string earlier = earlierBatchFile(options); !earlier.empty())
            throw FileError(fs::path(earlier).parent_path().string(), "already holds masks or samples of an earlier batch (" +
                                                                          fs::path(earlier).filename().string() +
                                                                          " ...); choose an empty folder, or pass --force to write among them");

    std::unique_ptr<TerminalProgress> bar;
    const auto result = generateMaskBatch(options, [&](int done, int total) {
        if (!bar) bar = std::make_unique<TerminalProgress>("masks", total);
        bar->update(done);
    });
    if (bar) bar->finish();
    for (const auto& skipped : result.skippedPhotos) std::cerr << "pconv masks: skipped " << skipped << "\n";
    if (result.masksWithoutHoles > 0)
        std::cerr << "pconv masks: warning: " << result.masksWithoutHoles << " of the " << result.masksWritten
                  << " masks have no holes (raise --hole-ratio or the units)\n";
    if (result.earlierMasksLeft > 0)
        std::cerr << "pconv masks: note: " << options.maskFolder << " also holds " << result.earlierMasksLeft
                  << " mask(s) of an earlier batch, which a training run on the folder takes too\n";
    std::cout << "Wrote " << result.masksWritten << (result.masksWritten == 1 ? " mask to " : " masks to ") << options.maskFolder;
    if (result.samplesWritten) std::cout << " and " << result.samplesWritten << " masked samples to " << options.sampleFolder;
    if (!result.skippedPhotos.empty()) std::cout << " (" << result.skippedPhotos.size() << " unreadable photo(s) skipped)";
    std::cout << "\n";
    return result.skippedPhotos.empty() ? 0 : 1;
}

} // namespace pconv::cli
