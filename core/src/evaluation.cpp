#include "pconv/evaluation.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/mask_batch.h"
#include "pconv/metrics.h"
#include "pconv/train/training_data.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <map>
#include <random>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace pconv {
namespace {

// Metrics are defined on 8-bit gray or BGR images.
cv::Mat toEight(const cv::Mat& image) {
    cv::Mat eight = image;
    if (image.depth() == CV_16U) image.convertTo(eight, CV_8U, 1.0 / 257.0);
    if (eight.channels() == 4) cv::cvtColor(eight, eight, cv::COLOR_BGRA2BGR);
    return eight;
}

std::string percentRange(const HoleRatioRange& r) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(2) << r.low << "-" << r.high;
    return s.str();
}

} // namespace

std::vector<HoleRatioRange> paperBuckets() {
    return {{0.01, 0.1}, {0.1, 0.2}, {0.2, 0.3}, {0.3, 0.4}, {0.4, 0.5}, {0.5, 0.6}};
}

std::vector<EvalCase> loadEvalCases(const std::string& imageFolder, const std::string& maskFolder,
                                    const std::function<void(const std::string&)>& warn) {
    checkFolderExists(imageFolder, "image folder");
    checkFolderExists(maskFolder, "mask folder");
    if (sameFile(imageFolder, maskFolder))
        throw FileError(maskFolder, "the mask folder is the image folder: every image would be its own mask; keep the masks in a folder of their own");
    const auto images = listImagesRecursive(imageFolder), masks = listImagesRecursive(maskFolder);
    if (images.empty()) throw FileError(imageFolder, "no images found");
    if (masks.empty()) throw FileError(maskFolder, "no masks found");
    std::map<std::string, std::string> maskByStem;
    std::set<std::string> ambiguousStems;  // two masks of one name: which is meant is unknown
    for (const auto& m : masks)
        if (!maskByStem.emplace(fs::path(m).stem().string(), m).second) ambiguousStems.insert(fs::path(m).stem().string());
    size_t matched = 0;
    std::string unmatched;
    for (const auto& i : images) {
        if (maskByStem.count(fs::path(i).stem().string()) > 0) ++matched;
        else if (unmatched.empty()) unmatched = i;
    }
    // Some names matching and some not is a missing mask, not a set to pair in sorted order.
    if (matched > 0 && matched < images.size())
        throw FileError(unmatched, "no mask named '" + fs::path(unmatched).stem().string() + ".*' in " + maskFolder + " (" +
                                       std::to_string(matched) + " of the " + std::to_string(images.size()) +
                                       " images have a mask of their name; give every image one, or name none alike to pair them in sorted order)");
    const bool byStem = matched == images.size();
    if (byStem && !ambiguousStems.empty())
        throw FileError(maskFolder, "holds two or more masks named '" + *ambiguousStems.begin() + ".*'; keep one of them");
    if (!byStem && masks.size() != images.size() && warn)
        warn("no mask is named like its image, so they are paired in sorted order, but there are " + std::to_string(images.size()) +
             " images and " + std::to_string(masks.size()) + " masks: " +
             (masks.size() < images.size() ? "masks are reused in turn" : std::to_string(masks.size() - images.size()) + " masks are left unused"));
    std::map<std::string, int> timesNamed;  // images of one stem in different subfolders get distinct case names

    std::vector<EvalCase> cases;
    for (size_t i = 0; i < images.size(); ++i) {
        const std::string maskPath = byStem ? maskByStem[fs::path(images[i]).stem().string()] : masks[i % masks.size()];
        EvalCase c;
        c.name = fs::path(images[i]).stem().string();
        if (const int n = ++timesNamed[c.name]; n > 1) c.name += "-" + std::to_string(n);
        c.image = toEight(readImage(images[i]));
        c.holes = readMask(maskPath);
        if (c.holes.size() != c.image.size())
            throw FileError(maskPath, "mask is " + std::to_string(c.holes.cols) + "x" + std::to_string(c.holes.rows) + " but image '" +
                                          images[i] + "' is " + std::to_string(c.image.cols) + "x" + std::to_string(c.image.rows));
        cases.push_back(std::move(c));
    }
    return cases;
}

std::vector<EvalCase> generateEvalCases(const std::string& photoFolder, int size, int perBucket, std::uint64_t seed, int cacheLongSide,
                                        const std::function<void(const std::string&)>& warn) {
    if (size < 16) throw InvalidArgument("evaluation size must be at least 16 px");
    if (perBucket < 1) throw InvalidArgument("cases per bucket must be at least 1");
    checkFolderExists(photoFolder, "photo folder");  // before the loader calls it a training folder
    TrainingDataOptions options;
    options.photoFolder = photoFolder;
    options.size = size;
    options.validationFraction = 0;
    options.cacheLongSide = cacheLongSide;
    options.seed = seed;
    options.warnSmallPhotos = false;  // the caller sees which crops were upscaled (EvalCase::upscaled)
    const auto photos = TrainingPhotos::load(options, {}, warn);
    const auto buckets = paperBuckets();
    std::vector<EvalCase> cases;
    std::map<std::string, int> timesNamed;  // photos of one stem in different subfolders get distinct case names
    for (size_t p = 0; p < photos->train.size(); ++p) {
        const cv::Mat& photo = photos->train[p];
        std::string stem = fs::path(photos->trainPaths[p]).stem().string();
        if (const int n = ++timesNamed[stem]; n > 1) stem += "-" + std::to_string(n);
        for (size_t b = 0; b < buckets.size(); ++b)
            for (int k = 0; k < perBucket; ++k) {
                const std::uint64_t caseSeed = batchMaskSeed(batchMaskSeed(seed, static_cast<int>(p)), static_cast<int>(b * 10007 + k));
                std::mt19937_64 rng(caseSeed);
                EvalCase c;
                const cv::Rect crop = randomScaleCrop(photo.size(), size, rng);
                c.image = resizeCrop(photo(crop), size);
                c.sourcePhoto = photos->trainPaths[p];
                c.upscaled = crop.width < size;
                MaskGeneratorOptions generator;
                generator.width = generator.height = size;
                generator.holeRatio = buckets[b];
                c.holes = generateMaskAcrossRange(generator, rng).holes;
                c.name = stem + "_b" + std::to_string(b + 1) + "_" + std::to_string(k);
                cases.push_back(std::move(c));
            }
    }
    return cases;
}

namespace {
std::string truthName(const EvalCase& c) { return c.name + "_truth.png"; }
std::string maskName(const EvalCase& c) { return c.name + "_mask.png"; }
std::string resultName(const EvalCase& c, const NamedInpainter& m) { return c.name + "_" + m.name + ".png"; }
} // namespace

std::vector<std::string> evalOutputNames(const std::vector<EvalCase>& cases, const std::vector<NamedInpainter>& methods) {
    std::vector<std::string> names;
    for (const auto& c : cases) {
        names.push_back(truthName(c));
        names.push_back(maskName(c));
        for (const auto& m : methods) names.push_back(resultName(c, m));
    }
    return names;
}

EvalReport evaluate(const std::vector<EvalCase>& cases, const std::vector<NamedInpainter>& methods, const std::string& outFolder,
                    const std::function<void(int, int)>& progress) {
    if (methods.empty()) throw InvalidArgument("no methods to evaluate");
    if (!outFolder.empty()) createFolder(outFolder, "output folder");
    EvalReport report;
    report.buckets = paperBuckets();
    for (const auto& m : methods) report.methods.push_back(m.name);
    report.scores.assign(methods.size(), std::vector<Scores>(report.buckets.size()));
    const int total = static_cast<int>(cases.size() * methods.size());
    int done = 0;
    for (const auto& c : cases) {
        const double ratio = holeRatio(c.holes);
        int bucket = -1;
        for (size_t b = 0; b < report.buckets.size(); ++b)
            if (ratio >= report.buckets[b].low && ratio <= report.buckets[b].high) {
                bucket = static_cast<int>(b);
                break;
            }
        if (bucket < 0) ++report.outsideBuckets;
        if (!outFolder.empty()) {
            writeImageAtomic((fs::path(outFolder) / truthName(c)).string(), c.image);
            writeImageAtomic((fs::path(outFolder) / maskName(c)).string(), c.holes);
        }
        for (size_t m = 0; m < methods.size(); ++m) {
            const cv::Mat result = methods[m].inpainter->inpaint(c.image, c.holes);
            if (!outFolder.empty())
                writeImageAtomic((fs::path(outFolder) / resultName(c, methods[m])).string(), result);
            if (bucket >= 0) {
                Scores& s = report.scores[m][static_cast<size_t>(bucket)];
                s.count += 1;
                s.l1Percent += meanAbsoluteErrorPercent(c.image, result);
                const double resultPsnr = psnr(c.image, result);
                const bool exact = std::isinf(resultPsnr);
                if (exact) ++report.exactResults;
                s.psnr += exact ? kPsnrCeiling : resultPsnr;
                s.ssim += ssim(c.image, result);
            }
            if (progress) progress(++done, total);
        }
    }
    for (auto& perMethod : report.scores)
        for (auto& s : perMethod)
            if (s.count > 0) {
                s.l1Percent /= s.count;
                s.psnr /= s.count;
                s.ssim /= s.count;
            }
    return report;
}

std::string EvalReport::markdown() const {
    std::ostringstream out;
    out << "| hole ratio | n |";
    for (const char* metric : {"L1 (%)", "PSNR (dB)", "SSIM"})
        for (const auto& m : methods) out << " " << metric << " " << m << " |";
    out << "\n|---|---|";
    for (size_t i = 0; i < 3 * methods.size(); ++i) out << "---|";
    out << "\n";
    for (size_t b = 0; b < buckets.size(); ++b) {
        const int n = scores.empty() ? 0 : scores[0][b].count;
        out << "| " << percentRange(buckets[b]) << " | " << n << " |";
        out << std::fixed;
        for (int metric = 0; metric < 3; ++metric)
            for (size_t m = 0; m < methods.size(); ++m) {
                const Scores& s = scores[m][b];
                if (s.count == 0) {
                    out << " - |";
                    continue;
                }
                if (metric == 0) out << " " << std::setprecision(2) << s.l1Percent << " |";
                if (metric == 1) out << " " << std::setprecision(2) << s.psnr << " |";
                if (metric == 2) out << " " << std::setprecision(4) << s.ssim << " |";
            }
        out << "\n";
    }
    if (exactResults > 0)
        out << "\n" << exactResults << " result(s) equal their truth exactly; their PSNR counts as " << std::defaultfloat << kPsnrCeiling
            << " dB, not infinity.\n";
    if (outsideBuckets > 0) out << "\n" << outsideBuckets << " case(s) had a hole ratio outside 0.01-0.6 and are not in the table.\n";
    return out.str();
}

} // namespace pconv
