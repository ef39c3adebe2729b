// `pconv inpaint`: one image and mask, or a folder of images with a folder of
// masks matched by file stem (or one mask for all), like `iopaint run`.
#include "arg_parser.h"
#include "commands.h"
#include "model_argument.h"
#include "output_file.h"
#include "terminal_progress.h"

#include "pconv/errors.h"
#include "pconv/hd_strategy.h"
#include "pconv/image_io.h"
#include "pconv/inpainter.h"
#include "pconv/progress_scope.h"
#include "pconv/threads.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace pconv::cli {
namespace {

std::vector<fs::path> imagesIn(const fs::path& dir) {
    const auto names = imageFilesIn(dir.string());
    return {names.begin(), names.end()};
}

// Photos in formats this program cannot read (an iPhone's HEIC, camera raw files): named
// in a warning, so that they are not left out without a word.
std::vector<std::string> unreadablePhotosIn(const fs::path& dir) {
    static const std::set<std::string> formats = {".heic", ".heif", ".avif", ".gif", ".jxl", ".psd", ".svg", ".dng",
                                                  ".cr2", ".cr3", ".nef", ".arw", ".orf", ".rw2", ".raf", ".raw"};
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && formats.count(lowercaseExtension(entry.path().string())) && !isHiddenFile(entry.path().string()))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A mask folder's masks by file stem; two masks of one stem would leave the choice to chance.
std::map<std::string, fs::path> masksByStem(const fs::path& maskDir) {
    std::map<std::string, fs::path> masks;
    for (const auto& m : imagesIn(maskDir)) {
        const auto [it, added] = masks.emplace(m.stem().string(), m);
        if (!added)
            throw FileError(maskDir.string(), "'" + it->second.filename().string() + "' and '" + m.filename().string() +
                                                  "' are both masks for images named '" + m.stem().string() + ".*'; keep one of them");
    }
    return masks;
}

// A folder run names each result after its image's stem, always as PNG (lossless).
std::string resultName(const fs::path& image) {
    return image.stem().string() + ".png";
}

std::unique_ptr<Inpainter> makeInpainterFromArgs(const ArgParser& parser) {
    const auto method = parseMethod(parser.get("method"));
    if (!method) throw parser.usageError("--method must be pconv, telea or ns, got '" + parser.get("method") + "'");
    warnOfOptionsOfUnusedMethods(parser, {*method});
    if (*method != Method::PConv) return makeClassicalInpainter(*method, parser.getDouble("radius", 0.1, 1000));
    const PConvInpaintOptions options = pconvOptionsFromArgs(parser);
    return makePConvInpainter(PConvModel::load(modelPathOrDefault(
                                  parser, "--method pconv needs --model FILE: no default model was found (models/default.pconv); or use --method telea or ns")),
                              options);
}

HdOptions hdOptionsFromArgs(const ArgParser& parser) {
    HdOptions hd;
    const auto strategy = parseHdStrategy(parser.get("hd-strategy"));
    if (!strategy) throw parser.usageError("--hd-strategy must be crop, resize or original, got '" + parser.get("hd-strategy") + "'");
    hd.strategy = *strategy;
    hd.triggerSize = parser.getInt("hd-trigger", 0, 1'000'000);
    hd.cropMargin = parser.getInt("hd-margin", kMinCropMargin, 100'000);
    hd.resizeLimit = parser.getInt("hd-resize-limit", 16, 100'000);
    // Each setting belongs to one strategy: given for another, it would do nothing without a word.
    if (hd.strategy != HdStrategy::Crop) parser.warnIgnored("hd-margin", "it is for --hd-strategy crop only");
    if (hd.strategy != HdStrategy::Resize) parser.warnIgnored("hd-resize-limit", "it is for --hd-strategy resize only");
    if (hd.strategy == HdStrategy::Original) parser.warnIgnored("hd-trigger", "--hd-strategy original works on the whole image at any size");
    return hd;
}

void inpaintOne(const Inpainter& inpainter, const HdOptions& hd, const std::string& imagePath, const cv::Mat& holes, const std::string& maskPath,
                const std::string& outputPath, int quality) {
    const Photo photo = readPhoto(imagePath);
    const cv::Mat& image = photo.image;
    if (holes.size() != image.size())
        throw FileError(maskPath, "mask is " + std::to_string(holes.cols) + "x" + std::to_string(holes.rows) + " but image '" +
                                      imagePath + "' is " + std::to_string(image.cols) + "x" + std::to_string(image.rows) +
                                      " (sizes must match)");
    checkInpaintInputs(image, holes);
    const int holePixels = cv::countNonZero(holes);
    if (holePixels == 0)
        std::cerr << "pconv inpaint: warning: mask '" << maskPath << "' has no holes (no non-zero pixel), so '" << imagePath
                  << "' is written unchanged\n";
    // Nothing (or next to nothing) is left to fill from: rarely what was meant.
    const int total = holes.rows * holes.cols;
    if (holePixels == total)
        throw FileError(maskPath, "covers all of '" + imagePath +
                                      "', so no pixel is left to fill from (non-zero = hole: is the mask inverted, or is it an image?)");
    if (10LL * holePixels > 9LL * total)  // over 90 % (total / 10 * 9 would be 0 on a tiny image)
        std::cerr << "pconv inpaint: warning: mask '" << maskPath << "' covers " << (100LL * holePixels / total) << "% of '" << imagePath
                  << "' (non-zero = hole: is the mask inverted?)\n";
    if (const std::string ext = lowercaseExtension(maskPath); ext == ".jpg" || ext == ".jpeg")
        std::cerr << "pconv inpaint: warning: mask '" << maskPath
                  << "' is a JPEG, whose compression noise around the strokes also counts as holes; save masks as PNG\n";
    for (const std::string& loss : formatLosses(image, outputPath)) std::cerr << "pconv inpaint: warning: '" << imagePath << "' " << loss << "\n";
    // A JPEG result keeps the photo's EXIF and colour profile.
    writeImageAtomic(outputPath, *inpaintLarge(inpainter, image, holes, hd), quality, photo.metadata);
}

int inpaintFolder(const Inpainter& inpainter, const HdOptions& hd, const ArgParser& parser) {
    const fs::path inputDir = parser.get("input"), maskArg = parser.get("mask"), outputDir = parser.get("output");
    if (parser.given("quality")) throw parser.usageError("--quality is for .jpg and .webp results, but a folder's results are PNG (lossless)");
    const int quality = parser.getInt("quality", 1, 100);
    if (fs::exists(outputDir) && !fs::is_directory(outputDir))
        throw FileError(outputDir.string(), "input is a folder, so --output must be a folder, but this is a file");
    if (sameFile(inputDir.string(), outputDir.string()))
        throw FileError(outputDir.string(), "output folder is the input folder; choose another so no original is overwritten");
    const bool oneMask = !fs::is_directory(maskArg);
    if (!oneMask && sameFile(maskArg.string(), inputDir.string()))
        throw FileError(maskArg.string(), "the mask folder is the input folder: every image would be its own mask; keep the masks in a folder of their own");
    if (!oneMask && sameFile(maskArg.string(), outputDir.string()))
        throw FileError(outputDir.string(), "output folder is the mask folder; choose another so no mask is overwritten");
    cv::Mat sharedHoles;
    if (oneMask) sharedHoles = readMask(maskArg.string());

    const auto masks = oneMask ? std::map<std::string, fs::path>{} : masksByStem(maskArg);
    if (!oneMask && masks.empty()) throw FileError(maskArg.string(), "holds no mask images (png, jpg, webp, bmp, tiff ...)");

    const auto images = imagesIn(inputDir);
    const auto unreadable = unreadablePhotosIn(inputDir);
    if (!unreadable.empty()) {
        std::cerr << "pconv inpaint: warning: skipping " << unreadable.size() << " file(s) in formats this program cannot read:";
        for (size_t i = 0; i < unreadable.size() && i < 5; ++i) std::cerr << (i ? ", " : " ") << unreadable[i];
        std::cerr << (unreadable.size() > 5 ? " ..." : "") << " (convert them to PNG or JPEG)\n";
    }
    if (images.empty()) throw FileError(inputDir.string(), "no images found (png, jpg, webp, bmp, tiff ...)");
    // Two inputs of one stem would overwrite each other's result.
    std::map<std::string, fs::path> imagesByStem;
    for (const auto& image : images) {
        const auto [it, added] = imagesByStem.emplace(image.stem().string(), image);
        if (!added)
            throw FileError(inputDir.string(), "'" + it->second.filename().string() + "' and '" + image.filename().string() + "' would both be written as " +
                                                   resultName(image) + "; rename one of them");
    }
    // One mask for all may sit in the output folder under a result's name.
    if (oneMask)
        for (const auto& image : images)
            if (sameFile((outputDir / resultName(image)).string(), maskArg.string()))
                throw FileError(maskArg.string(), "is the mask, but the result of '" + image.filename().string() +
                                                      "' would be written over it; choose another output folder");
    if (!fs::exists(outputDir) && hasImageExtension(outputDir.string()))
        throw FileError(outputDir.string(), "input is a folder, so --output must be a folder, but this is an image file name");
    // Earlier results are the user's too: a second run into the same folder asks first, before any work.
    if (!parser.flagSet("force")) {
        std::vector<std::string> existing;
        for (const auto& image : images)
            if (fs::exists(outputDir / resultName(image))) existing.push_back(resultName(image));
        if (!existing.empty())
            throw FileError(outputDir.string(), "already holds " + existing.front() +
                                                    (existing.size() > 1 ? " and " + std::to_string(existing.size() - 1) + " more result(s)" : "") +
                                                    " of these images; choose another folder, or pass --force to overwrite them");
    }
    const bool outputIsNew = !fs::exists(outputDir);
    createFolder(outputDir.string(), "output folder");

    TerminalProgress progress("inpaint", static_cast<int>(images.size()));
    int done = 0, failed = 0;
    for (const auto& image : images) {
        progress.update(done, image.filename().string());
        const fs::path output = outputDir / resultName(image);
        try {
            if (oneMask) {
                inpaintOne(inpainter, hd, image.string(), sharedHoles, maskArg.string(), output.string(), quality);
            } else {
                const auto it = masks.find(image.stem().string());
                if (it == masks.end())
                    throw FileError(image.string(), "no mask named '" + image.stem().string() + ".*' in " + maskArg.string());
                inpaintOne(inpainter, hd, image.string(), readMask(it->second.string()), it->second.string(), output.string(), quality);
            }
        } catch (const Error& e) {
            progress.finish();
            std::cerr << "pconv inpaint: " << e.what() << "\n";
            ++failed;
        }
        ++done;
    }
    progress.finish();
    std::error_code ec;
    if (outputIsNew && done == failed) fs::remove(outputDir, ec);  // no empty folder left behind by a run that wrote nothing
    std::cout << "Inpainted " << (done - failed) << " of " << done << " images into " << outputDir.string() << "\n";
    return failed == 0 ? 0 : 1;
}

} // namespace

int runInpaint(const Args& args) {
    ArgParser parser("pconv inpaint", "Fill the holes of an image, or of every image in a folder. Mask pixels that are non-zero are holes.");
    parser.option("input", "IMG|DIR", "image, or a folder of images (the folder itself, not its subfolders)", std::nullopt, true);
    parser.option("mask", "MASK|DIR", "mask of the same size, a folder of masks matched by file stem, or one mask for all", std::nullopt,
                  true);
    parser.option("output", "FILE|DIR", "result image (format from the extension), or a folder for <stem>.png results", std::nullopt,
                  true);
    parser.option("method", "NAME", "pconv (the network), telea or ns (OpenCV)", "pconv");
    parser.option("model", "FILE", "PConv model file for --method pconv (default: the shipped models/default.pconv)");
    addPConvRunOptions(parser);
    parser.option("radius", "R", "neighbourhood radius in px for telea and ns", "3");
    parser.option("quality", "Q", "JPEG/WebP quality 1-100 when the output is .jpg or .webp (WebP at 100: lossless)", "95");
    parser.option("hd-strategy", "NAME", "big images: crop (around each hole), resize (work smaller), original", "crop");
    parser.option("hd-trigger", "PX", "use the strategy when the long side exceeds PX", "800");
    parser.option("hd-margin", "PX", "context around each hole region for crop", "128");
    parser.option("hd-resize-limit", "PX", "long side for resize (a panorama keeps a short side of at least PX/4)", "1024");
    parser.option("threads", "N", "CPU threads (0 = all cores)", "0");
    parser.flag("force", "overwrite result files that already exist");
    if (!parser.parse(args)) {
        std::cout << parser.help();
        return 0;
    }
    setThreadCount(parser.getInt("threads", 0, 1024));
    const HdOptions hd = hdOptionsFromArgs(parser);  // bad --hd-* values are rejected before any work
    const std::string input = parser.get("input"), mask = parser.get("mask");
    std::string output = parser.get("output");
    std::error_code ec;
    if (!fs::exists(input, ec)) throw FileError(input, "no such file or folder");
    if (!fs::exists(mask, ec)) throw FileError(mask, "no such file or folder");
    const auto inpainter = makeInpainterFromArgs(parser);

    if (fs::is_directory(input)) return inpaintFolder(*inpainter, hd, parser);
    // An existing folder for one image's result takes it as <stem>.png, as for a folder of images.
    if (fs::is_directory(output, ec)) output = (fs::path(output) / resultName(input)).string();
    // A new folder named with a trailing separator ("results/") is made for it, likewise.
    else if (!output.empty() && output.back() == '/') {
        createFolder(output, "output folder");
        output = (fs::path(output) / resultName(input)).string();
    }
    // A mask folder for one image: its mask is the one of the image's name.
    std::string maskFile = mask;
    if (fs::is_directory(mask)) {
        // Only masks of this photo's name matter here: two of another name are no reason to stop.
        const std::string stem = fs::path(input).stem().string();
        std::vector<fs::path> named;
        for (const auto& m : imagesIn(mask))
            if (m.stem().string() == stem) named.push_back(m);
        if (named.empty()) throw FileError(mask, "holds no mask named '" + stem + ".*' for " + input);
        if (named.size() > 1)
            throw FileError(mask, "'" + named[0].filename().string() + "' and '" + named[1].filename().string() + "' are both masks for " + input +
                                      "; keep one of them, or give the mask file");
        if (sameFile(named[0].string(), input))
            throw FileError(mask, "is the photo's own folder, and the file of its name there is the photo itself: give the mask file");
        maskFile = named[0].string();
    }
    if (sameFile(input, output)) throw FileError(output, "output is the input image; refusing to overwrite the original");
    if (sameFile(maskFile, output)) throw FileError(output, "output is the mask; refusing to overwrite it");
    if (fs::is_directory(output, ec)) throw FileError(output, "is a folder; give a file name such as result.png");
    // A wrong name, a missing folder or an existing file is refused before the fill, not after it.
    // A wrong name is a mistake on the command line (exit 2), as for every command's --out.
    if (!hasImageExtension(output)) throw parser.usageError(output + ": not an image file name: give one such as result.png or result.jpg");
    if (!isWritableImageFormat(output))
        throw parser.usageError(output + ": cannot write results as " + lowercaseExtension(output) + ": use .png, .jpg, .webp, .bmp or .tif");
    if (parser.given("quality") && !takesQuality(output))
        throw parser.usageError("--quality is for .jpg and .webp results; " + fs::path(output).filename().string() + " is stored lossless");
    checkOutputFile(output, parser.flagSet("force"));
    // A whole 16-megapixel photo is one fill of most of a minute: a percentage on a terminal.
    TerminalProgress bar("inpaint", 100);
    const ProgressScope progress([&](double fraction) { bar.update(static_cast<int>(fraction * 100)); });
    inpaintOne(*inpainter, hd, input, readMask(maskFile), maskFile, output, parser.getInt("quality", 1, 100));
    bar.finish();
    std::cout << "Wrote " << output << "\n";
    return 0;
}

} // namespace pconv::cli
