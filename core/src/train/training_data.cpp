#include "pconv/train/training_data.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/mask_batch.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <set>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>

namespace fs = std::filesystem;

namespace pconv {
namespace {

std::uint64_t mix(std::uint64_t a, std::uint64_t b) { return batchMaskSeed(a, static_cast<int>(b & 0x7fffffff)) ^ (b >> 31); }

cv::Mat toBgr8(const cv::Mat& image) {
    cv::Mat eight = image;
    if (image.depth() == CV_16U) image.convertTo(eight, CV_8U, 1.0 / 257.0);
    cv::Mat bgr;
    if (eight.channels() == 1) cv::cvtColor(eight, bgr, cv::COLOR_GRAY2BGR);
    else if (eight.channels() == 4) cv::cvtColor(eight, bgr, cv::COLOR_BGRA2BGR);
    else bgr = eight;
    return bgr;
}

cv::Mat limitLongSide(const cv::Mat& image, int longSide) {
    const int current = std::max(image.cols, image.rows);
    if (current <= longSide) return image;
    const double scale = static_cast<double>(longSide) / current;
    cv::Mat small;
    cv::resize(image, small, {}, scale, scale, cv::INTER_AREA);
    return small;
}

} // namespace

size_t heldOutCount(size_t photos, double fraction) {
    if (photos < 2 || fraction <= 0) return 0;
    return std::clamp<size_t>(static_cast<size_t>(std::lround(static_cast<double>(photos) * fraction)), 1, photos - 1);
}

std::vector<std::string> listImagesRecursive(const std::string& folder) {
    std::vector<std::string> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (isHiddenFile(it->path().string())) {  // ".git", ".thumbnails", "._photo.jpg"
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec) && hasImageExtension(it->path().string())) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

cv::Rect randomScaleCrop(const cv::Size& photo, int size, std::mt19937_64& rng) {
    const int minSide = std::min(photo.width, photo.height);
    int crop = minSide;
    if (minSide > size) {
        const double logCrop = std::uniform_real_distribution<double>(std::log(size), std::log(minSide))(rng);
        crop = std::clamp(static_cast<int>(std::lround(std::exp(logCrop))), size, minSide);
    }
    const int x = static_cast<int>(rng() % static_cast<std::uint64_t>(photo.width - crop + 1));
    const int y = static_cast<int>(rng() % static_cast<std::uint64_t>(photo.height - crop + 1));
    return {x, y, crop, crop};
}

cv::Mat resizeCrop(const cv::Mat& region, int size) {
    cv::Mat resized;
    cv::resize(region, resized, {size, size}, 0, 0, region.cols > size ? cv::INTER_AREA : cv::INTER_CUBIC);
    return resized;
}

TrainingSample splitMaskedSample(const cv::Mat& sample) {
    if (sample.cols < 2 || sample.cols % 2 != 0) throw InvalidArgument("a masked sample must be two images side by side (even width)");
    const int half = sample.cols / 2;
    TrainingSample split;
    split.image = sample(cv::Rect(0, 0, half, sample.rows)).clone();
    const cv::Mat masked = sample(cv::Rect(half, 0, half, sample.rows));
    // Lossy formats blur exact zeros: near-black on the right where the left is not dark.
    std::vector<cv::Mat> maskedPlanes, photoPlanes;
    cv::split(masked, maskedPlanes);
    cv::split(split.image, photoPlanes);
    cv::Mat maskedMax = maskedPlanes[0].clone(), photoMax = photoPlanes[0].clone();
    for (size_t c = 1; c < maskedPlanes.size(); ++c) {
        cv::max(maskedMax, maskedPlanes[c], maskedMax);
        cv::max(photoMax, photoPlanes[c], photoMax);
    }
    split.holes = (maskedMax <= 10) & (photoMax > maskedMax + 10);
    // Outside its holes the right half repeats the left one; a photo cut in two does not.
    cv::Mat difference;
    cv::absdiff(masked, split.image, difference);
    std::vector<cv::Mat> differencePlanes;
    cv::split(difference, differencePlanes);
    cv::Mat differenceMax = differencePlanes[0].clone();
    for (size_t c = 1; c < differencePlanes.size(); ++c) cv::max(differenceMax, differencePlanes[c], differenceMax);
    const int kept = static_cast<int>(split.holes.total()) - cv::countNonZero(split.holes);
    const int unlike = cv::countNonZero((differenceMax > 24) & (split.holes == 0));
    if (kept == 0 || unlike > kept / 20)
        throw InvalidArgument("not a masked sample: its right half is not its left half with holes blacked out (as pconv masks --images "
                              "writes them); for plain photos use --data");
    return split;
}

std::shared_ptr<const TrainingPhotos> TrainingPhotos::load(const TrainingDataOptions& options, const std::function<void(int, int)>& progress,
                                                           const std::function<void(const std::string&)>& warn) {
    std::error_code ec;
    const bool fromSamples = !options.sampleFolder.empty();
    const std::string folder = fromSamples ? options.sampleFolder : options.photoFolder;
    if (folder.empty()) throw InvalidArgument("no training photo folder given");
    checkFolderExists(folder, fromSamples ? "masked-sample folder" : "training photo folder");
    if (options.size < 16) throw InvalidArgument("training size must be at least 16 px");
    auto files = listImagesRecursive(folder);
    if (files.empty()) throw FileError(folder, "no photos found (jpg, png, webp, bmp, tiff; searched recursively)");
    const size_t mainCount = files.size();
    if (!options.extraFolder.empty()) {
        if (fromSamples) throw InvalidArgument("extra training images go with a photo folder, not with masked samples");
        checkFolderExists(options.extraFolder, "extra training folder");
        const auto extra = listImagesRecursive(options.extraFolder);
        if (extra.empty()) throw FileError(options.extraFolder, "no images found (jpg, png, webp, bmp, tiff; searched recursively)");
        // An extra folder inside the photo folder must not turn validation photos into training ones.
        std::set<fs::path> mainFiles;
        for (const auto& file : files) mainFiles.insert(fs::weakly_canonical(file, ec));
        for (const auto& file : extra)
            if (!mainFiles.count(fs::weakly_canonical(file, ec))) files.push_back(file);
    }

    auto photos = std::make_shared<TrainingPhotos>();
    struct Loaded {
        std::string path;
        cv::Mat photo, holes;
        bool extra = false;  // from extraFolder: training only
    };
    std::vector<Loaded> loaded;
    std::string firstSkipped;  // why the first file was skipped, for the error when all were
    for (size_t i = 0; i < files.size(); ++i) {
        try {
            cv::Mat image = toBgr8(readImage(files[i]));
            cv::Mat holes;
            if (fromSamples) {
                try {
                    TrainingSample split = splitMaskedSample(image);
                    image = split.image;
                    holes = split.holes;
                } catch (const InvalidArgument& e) {
                    throw FileError(files[i], e.what());
                }
            } else {
                image = limitLongSide(image, options.cacheLongSide);
            }
            if (std::min(image.cols, image.rows) < 16) throw FileError(files[i], "too small to crop from");
            loaded.push_back({files[i], std::move(image), std::move(holes), i >= mainCount});
        } catch (const Error& e) {
            if (firstSkipped.empty() && i < mainCount) firstSkipped = e.what();
            if (warn) warn(std::string("skipping ") + e.what());
        }
        if (progress) progress(static_cast<int>(i + 1), static_cast<int>(files.size()));
    }
    // Validation: evenly spaced photos of the main folder in sorted order, so the
    // split is stable and extra images never change it.
    const size_t mainLoaded = static_cast<size_t>(std::count_if(loaded.begin(), loaded.end(), [](const Loaded& l) { return !l.extra; }));
    photos->extraCount = static_cast<int>(loaded.size() - mainLoaded);
    if (mainLoaded == 0)
        throw FileError(folder, "none of its " + std::to_string(mainCount) + " image file(s) can be used" +
                                    (firstSkipped.empty() ? std::string() : " (the first: " + firstSkipped + ")"));
    // Samples of one photo (<stem>_000.png, <stem>_001.png, ... from `pconv masks`) are held
    // out together: one in training and another in validation would flatter the validation.
    std::vector<std::string> sourceOf;
    for (size_t i = 0; i < mainLoaded; ++i) {
        std::string source = loaded[i].path;
        if (fromSamples) {
            source = fs::path(loaded[i].path).replace_extension().string();
            const size_t underscore = source.find_last_of('_');
            const bool numbered = underscore != std::string::npos && underscore + 1 < source.size() &&
                                  source.find_first_not_of("0123456789", underscore + 1) == std::string::npos;
            if (numbered) source.erase(underscore);
        }
        sourceOf.push_back(source);
    }
    std::vector<std::string> sources = sourceOf;
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    const size_t validationCount = heldOutCount(sources.size(), options.validationFraction);
    std::set<std::string> heldOut;
    for (size_t k = 0; k < validationCount; ++k)
        heldOut.insert(sources[(k * sources.size()) / validationCount + sources.size() / (2 * validationCount)]);
    std::vector<bool> isValidation(loaded.size(), false);
    for (size_t i = 0; i < mainLoaded; ++i) isValidation[i] = heldOut.count(sourceOf[i]) > 0;
    // Crops of a photo narrower than the training size are scaled up: smoother than any
    // photo, they teach the network less. Said, not refused (a few small ones do little harm).
    if (warn && options.warnSmallPhotos) {
        std::vector<std::string> small;
        for (const auto& l : loaded)
            if (std::min(l.photo.cols, l.photo.rows) < options.size)
                small.push_back(l.path + " (" + std::to_string(l.photo.cols) + "x" + std::to_string(l.photo.rows) + ")");
        if (!small.empty())
            warn(std::to_string(small.size()) + " of " + std::to_string(loaded.size()) + " image(s) are smaller than the training size of " +
                 std::to_string(options.size) + " px and are scaled up, which blurs them: " + small.front() +
                 (small.size() > 1 ? " and " + std::to_string(small.size() - 1) + " more" : std::string()));
    }
    for (size_t i = 0; i < loaded.size(); ++i) {
        auto& paths = isValidation[i] ? photos->validationPaths : photos->trainPaths;
        auto& images = isValidation[i] ? photos->validation : photos->train;
        auto& holes = isValidation[i] ? photos->validationHoles : photos->trainHoles;
        paths.push_back(loaded[i].path);
        images.push_back(std::move(loaded[i].photo));
        if (fromSamples) holes.push_back(std::move(loaded[i].holes));
    }
    if (!options.maskFolder.empty()) {
        checkFolderExists(options.maskFolder, "mask folder");
        const auto files = listImagesRecursive(options.maskFolder);
        if (files.empty()) throw FileError(options.maskFolder, "no mask images found");
        // A mask without holes teaches nothing and validates as "PSNR inf"; one that is all hole
        // leaves nothing to fill from. Both are skipped, as unreadable ones are, with a word.
        std::string firstSkippedMask;
        for (const auto& file : files) {
            try {
                cv::Mat holes = readMask(file);
                const int holePixels = cv::countNonZero(holes);
                if (holePixels == 0) throw FileError(file, "has no holes (it is black everywhere)");
                if (holePixels == static_cast<int>(holes.total())) throw FileError(file, "is all hole (white everywhere)");
                photos->masks.push_back(std::move(holes));
            } catch (const Error& e) {
                if (firstSkippedMask.empty()) firstSkippedMask = e.what();
                if (warn) warn(std::string("skipping mask ") + e.what());
            }
        }
        if (photos->masks.empty())
            throw FileError(options.maskFolder, "none of its " + std::to_string(files.size()) + " mask file(s) can be used (the first: " +
                                                    firstSkippedMask + ")");
    }
    return photos;
}

SampleMaker::SampleMaker(std::shared_ptr<const TrainingPhotos> photos, TrainingDataOptions options)
    : photos_(std::move(photos)), options_(std::move(options)) {}

cv::Mat warpedCrop(const cv::Mat& photo, const cv::Rect& region, int size, double strength, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    const double angle = unit(rng) * strength * CV_PI / 6;
    const double stretchX = std::exp(unit(rng) * strength * 0.25), stretchY = std::exp(unit(rng) * strength * 0.25);
    // Corners of the output square as offsets from the region's centre, in units of half its side.
    const cv::Point2d unitCorners[4] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
    cv::Point2d offsets[4];
    for (int i = 0; i < 4; ++i) {
        const double x = unitCorners[i].x * stretchX + unit(rng) * strength * 0.3;
        const double y = unitCorners[i].y * stretchY + unit(rng) * strength * 0.3;
        offsets[i] = {x * std::cos(angle) - y * std::sin(angle), x * std::sin(angle) + y * std::cos(angle)};
    }
    // Shrink the photo first so that the warp samples it near 1:1: warpPerspective has no
    // area filter, and a 3x downscale through it would alias.
    const double reduce = std::min(1.0, 1.25 * size / region.width);
    cv::Mat source = photo;
    if (reduce < 1.0) cv::resize(photo, source, {}, reduce, reduce, cv::INTER_AREA);
    const cv::Point2d centre((region.x + region.width / 2.0) * reduce, (region.y + region.height / 2.0) * reduce);
    const double half = region.width * reduce / 2.0;
    // Zoom in (shrink the quadrilateral about its centre) until every corner lies in the photo.
    double fit = 1.0;
    for (const auto& o : offsets) {
        const double x = o.x * half, y = o.y * half;
        if (x < 0) fit = std::min(fit, centre.x / -x);
        if (x > 0) fit = std::min(fit, (source.cols - 1 - centre.x) / x);
        if (y < 0) fit = std::min(fit, centre.y / -y);
        if (y > 0) fit = std::min(fit, (source.rows - 1 - centre.y) / y);
    }
    cv::Point2f from[4], to[4];
    for (int i = 0; i < 4; ++i) {
        from[i] = cv::Point2f(static_cast<float>(centre.x + offsets[i].x * half * fit), static_cast<float>(centre.y + offsets[i].y * half * fit));
        to[i] = cv::Point2f(static_cast<float>((unitCorners[i].x + 1) / 2 * size), static_cast<float>((unitCorners[i].y + 1) / 2 * size));
    }
    cv::Mat warped;
    cv::warpPerspective(source, warped, cv::getPerspectiveTransform(from, to), {size, size}, cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
    return warped;
}

void jitterColours(cv::Mat& bgr, double strength, std::mt19937_64& rng) {
    if (strength <= 0) return;
    std::uniform_real_distribution<double> factor(1.0 - strength, 1.0 + strength), tint(1.0 - strength / 4, 1.0 + strength / 4);
    const double saturation = factor(rng), contrast = factor(rng), brightness = factor(rng);
    const cv::Scalar channelGains(tint(rng), tint(rng), tint(rng));
    cv::Mat image, gray, gray3;
    bgr.convertTo(image, CV_32FC3);
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
    cv::cvtColor(gray, gray3, cv::COLOR_GRAY2BGR);
    image = gray3 + saturation * (image - gray3);
    const double meanLuma = cv::mean(gray)[0];
    image = (image - cv::Scalar::all(meanLuma)) * contrast + cv::Scalar::all(meanLuma);
    cv::multiply(image, channelGains * brightness, image);
    image.convertTo(bgr, CV_8UC3);  // rounds and saturates to 0..255
}

cv::Mat SampleMaker::makeHoles(std::uint64_t sampleSeed) const {
    std::mt19937_64 rng(mix(sampleSeed, 0x4D41534B));
    const int size = options_.size;
    if (!photos_->masks.empty()) {
        const auto& source = photos_->masks[rng() % photos_->masks.size()];
        cv::Mat holes;
        cv::resize(source, holes, {size, size}, 0, 0, cv::INTER_NEAREST);  // masks: nearest only
        const int flip = static_cast<int>(rng() % 4);                     // none, horizontal, vertical, both
        if (flip == 1) cv::flip(holes, holes, 1);
        if (flip == 2) cv::flip(holes, holes, 0);
        if (flip == 3) cv::flip(holes, holes, -1);
        return holes;
    }
    MaskGeneratorOptions generator;
    generator.width = generator.height = size;
    generator.holeRatio = options_.holeRatio;
    return generateMaskAcrossRange(generator, rng).holes;
}

TrainingSample SampleMaker::make(const cv::Mat& photo, const cv::Mat& holes, std::uint64_t sampleSeed, bool augment) const {
    std::mt19937_64 rng(sampleSeed);
    const int size = options_.size;
    const cv::Rect region = randomScaleCrop(photo.size(), size, rng);
    TrainingSample sample;
    // Paired holes (the seed's samples) belong to the unwarped photo: no warp for them.
    if (augment && options_.geometricJitter > 0 && holes.empty()) sample.image = warpedCrop(photo, region, size, options_.geometricJitter, rng);
    else sample.image = resizeCrop(photo(region), size);
    if (holes.empty()) sample.holes = makeHoles(sampleSeed);
    else cv::resize(holes(region), sample.holes, {size, size}, 0, 0, cv::INTER_NEAREST);  // masks: nearest only
    if (rng() % 2) {
        cv::flip(sample.image, sample.image, 1);
        if (!holes.empty()) cv::flip(sample.holes, sample.holes, 1);
    }
    if (augment) jitterColours(sample.image, options_.colourJitter, rng);  // draws last: old runs' samples stay the same
    return sample;
}

TrainingSample SampleMaker::trainingSample(std::int64_t index) const {
    const auto count = static_cast<std::int64_t>(photos_->train.size());
    const std::int64_t epoch = index / count, position = index % count;
    std::vector<int> order(static_cast<size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937_64(mix(options_.seed, static_cast<std::uint64_t>(epoch))));
    const std::uint64_t sampleSeed = mix(mix(options_.seed, 0x5452), static_cast<std::uint64_t>(index));
    const auto chosen = static_cast<size_t>(order[static_cast<size_t>(position)]);
    const cv::Mat noHoles;
    return make(photos_->train[chosen], photos_->trainHoles.empty() ? noHoles : photos_->trainHoles[chosen], sampleSeed, true);
}

int SampleMaker::validationCount() const {
    return static_cast<int>(photos_->validation.size()) * std::max(1, options_.validationCropsPerPhoto);
}

// Not seeded by options_.seed: a run resumed with another --seed must judge "best so
// far" on the same crops and masks as the run it continues.
TrainingSample SampleMaker::validationSample(int index) const {
    const size_t chosen = static_cast<size_t>(index) % photos_->validation.size();
    const cv::Mat noHoles;
    return make(photos_->validation.at(chosen), photos_->validationHoles.empty() ? noHoles : photos_->validationHoles[chosen],
                mix(0x56414C, static_cast<std::uint64_t>(index)), false);
}

} // namespace pconv
