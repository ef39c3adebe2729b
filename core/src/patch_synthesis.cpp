// Multi-scale patch synthesis for wide holes (see patch_synthesis.h). Per octave:
// rounds of PatchMatch (every patch that touches a hole finds a similar patch made
// only of known pixels) and voting (each hole pixel becomes the weighted mean of what
// the patches covering it copy there); the result, scaled up, starts the next octave.
#include "pconv/patch_synthesis.h"

#include "pconv/cancellation.h"
#include "pconv/progress_scope.h"
#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/inpainter.h"
#include "pconv/mask_ops.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <vector>

namespace pconv {
namespace {

// Colour planes as float in [0, 1] (alpha dropped: it is never synthesised).
cv::Mat toUnitFloat(const cv::Mat& image) {
    cv::Mat colour = image;
    if (image.channels() == 4) cv::cvtColor(image, colour, cv::COLOR_BGRA2BGR);
    cv::Mat unit;
    colour.convertTo(unit, CV_32F, image.depth() == CV_16U ? 1.0 / 65535 : 1.0 / 255);
    return unit;
}

cv::Mat fromUnitFloat(const cv::Mat& unit, const cv::Mat& like) {
    cv::Mat colour;
    unit.convertTo(colour, like.depth(), like.depth() == CV_16U ? 65535.0 : 255.0);
    return like.channels() == 4 ? attachAlpha(colour, like) : colour;
}

// One octave: the estimate (known pixels exact, hole pixels being synthesised) and
// where patches may come from and go to.
class Octave {
public:
    // holes: the one hole synthesised here; blocked: every hole (never a source).
    // reach: source patches lie within this many px of the hole (0: anywhere).
    Octave(cv::Mat estimate, cv::Mat holes, const cv::Mat& blocked, int radius, double reach, float detailWeight, std::mt19937_64& rng)
        : estimate_(std::move(estimate)), holes_(std::move(holes)), r_(radius), rng_(rng), detailWeight_(detailWeight) {
        const int side = 2 * r_ + 1;
        const cv::Mat kernel = cv::Mat::ones(side, side, CV_8U);
        // A source patch lies inside the image and holds no hole pixel.
        cv::erode(blocked == 0, source_, kernel, {-1, -1}, 1, cv::BORDER_CONSTANT, 0);
        // Near the holes, not merely in their bounding box: the box of a long diagonal stroke
        // is most of the photo, and its smooth parts (sky, out-of-focus ground) matched the
        // smooth start best, so grass was filled with blur.
        if (reach > 0) {
            cv::Mat distance;
            cv::distanceTransform(holes_ == 0, distance, cv::DIST_L2, 3);
            source_ &= distance <= reach;
        }
        // A target patch (centre inside the image by the radius) covers a hole pixel.
        cv::Mat touches;
        cv::dilate(holes_, touches, kernel);
        for (int y = r_; y < holes_.rows - r_; ++y)
            for (int x = r_; x < holes_.cols - r_; ++x) {
                if (touches.at<uchar>(y, x)) targets_.emplace_back(x, y);
                if (source_.at<uchar>(y, x)) sources_.emplace_back(x, y);
            }
        if (detailWeight_ > 0) measureDetail();
        field_.assign(targets_.size(), cv::Point(-1, -1));
        distance_.assign(targets_.size(), std::numeric_limits<float>::max());
        resemblance_ = distance_;
        targetIndex_ = cv::Mat(holes_.size(), CV_32S, cv::Scalar(-1));
        for (size_t i = 0; i < targets_.size(); ++i) targetIndex_.at<int>(targets_[i]) = static_cast<int>(i);
    }

    bool canSynthesize() const { return !sources_.empty() && !targets_.empty(); }
    const cv::Mat& estimate() const { return estimate_; }

    // Starts each target from the coarser octave's match (twice as far, same offset
    // within the pixel pair) where that is a source here, else from a random source.
    void seedField(const Octave* coarser) {
        std::uniform_int_distribution<size_t> any(0, sources_.size() - 1);
        for (size_t i = 0; i < targets_.size(); ++i) {
            cv::Point q(-1, -1);
            if (coarser) {
                const cv::Point p = targets_[i];
                const cv::Point c(std::min(p.x / 2, coarser->holes_.cols - 1), std::min(p.y / 2, coarser->holes_.rows - 1));
                const int j = coarser->targetIndex_.at<int>(c);
                if (j >= 0 && coarser->field_[static_cast<size_t>(j)].x >= 0) q = coarser->field_[static_cast<size_t>(j)] * 2 + (p - c * 2);
            }
            if (!isSource(q)) q = sources_[any(rng_)];
            field_[i] = q;
        }
    }

    void round(int iteration, float spread, float reuseCost) {
        uses_ = cv::Mat::zeros(source_.size(), CV_32S);
        for (const cv::Point q : field_) ++uses_.at<int>(q);
        for (size_t i = 0; i < targets_.size(); ++i) resemblance_[i] = patchDistance(targets_[i], field_[i], std::numeric_limits<float>::max());
        reuseCost_ = reuseCost * quartile(resemblance_);
        for (size_t i = 0; i < targets_.size(); ++i)
            distance_[i] = resemblance_[i] + reuseCost_ * static_cast<float>(uses_.at<int>(field_[i]) - 1) + detailCost(i, field_[i]);
        search(iteration % 2 == 0);
        vote(spread);
    }

private:
    static float quartile(std::vector<float> values) {
        const auto at = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 4);
        std::nth_element(values.begin(), at, values.end());
        return *at;
    }

    bool isSource(cv::Point q) const {
        return q.x >= 0 && q.y >= 0 && q.x < source_.cols && q.y < source_.rows && source_.at<uchar>(q) != 0;
    }

    // How much detail each patch holds (the standard deviation of its values), and how
    // much a hole's patches should hold: the known patches' detail spread inward from
    // around the hole. A smooth start (the network's fill) otherwise matches the smoothest
    // sources best, and a hole in grass is filled from a smooth meadow far off.
    void measureDetail() {
        const int side = 2 * r_ + 1;
        cv::Mat mean, meanOfSquares;
        cv::boxFilter(estimate_, mean, -1, cv::Size(side, side));
        cv::boxFilter(estimate_.mul(estimate_), meanOfSquares, -1, cv::Size(side, side));
        const cv::Mat variance = meanOfSquares - mean.mul(mean);
        cv::Mat averaged;  // over the channels
        cv::reduce(variance.reshape(1, static_cast<int>(estimate_.total())), averaged, 1, cv::REDUCE_AVG);
        cv::sqrt(cv::max(averaged.reshape(1, estimate_.rows), 0.0), detail_);
        cv::Mat known;
        source_.convertTo(known, CV_32F, 1.0 / 255);
        const double spread = std::max(2.0, deepestHoleDepth(holes_));
        cv::Mat sum, weight;
        // A geometric mean: the strong edges that often ring a removed object (its outline,
        // its shadow) would otherwise raise the detail asked for across the whole hole.
        cv::Mat logDetail;
        cv::log(detail_ + kDetailFloor, logDetail);
        // Blurred at a scale where the spread is about 4 px: a Gaussian hundreds of px wide
        // at full size took longer than the synthesis.
        const double shrink = std::max(1.0, spread / 4);
        const cv::Size small(std::max(1, cvRound(known.cols / shrink)), std::max(1, cvRound(known.rows / shrink)));
        cv::resize(logDetail.mul(known), sum, small, 0, 0, cv::INTER_AREA);
        cv::resize(known, weight, small, 0, 0, cv::INTER_AREA);
        cv::GaussianBlur(sum, sum, cv::Size(), spread / shrink);
        cv::GaussianBlur(weight, weight, cv::Size(), spread / shrink);
        cv::Mat expectedLog;
        cv::resize(sum / cv::max(weight, 1e-6), expectedLog, known.size(), 0, 0, cv::INTER_LINEAR);
        cv::exp(expectedLog, expectedDetail_);
        expectedDetail_ -= kDetailFloor;
        valuesPerPatch_ = static_cast<float>(side * side * estimate_.channels());
    }

    // The search's cost for copying a source whose detail differs from what the target's
    // place should hold, on the scale of the patch distance (a smooth patch against one of
    // spread s costs about s^2 per value).
    float detailCost(size_t target, cv::Point q) const {
        if (detailWeight_ <= 0) return 0;
        const float d = detail_.at<float>(q) - expectedDetail_.at<float>(targets_[target]);
        return detailWeight_ * valuesPerPatch_ * d * d;
    }

    // Sum of squared differences between the patches around p and q; stops early
    // once past `cutoff`.
    float patchDistance(cv::Point p, cv::Point q, float cutoff) const {
        const int channels = estimate_.channels();
        const int length = (2 * r_ + 1) * channels;
        float sum = 0;
        for (int dy = -r_; dy <= r_; ++dy) {
            const float* a = estimate_.ptr<float>(p.y + dy) + (p.x - r_) * channels;
            const float* b = estimate_.ptr<float>(q.y + dy) + (q.x - r_) * channels;
            for (int k = 0; k < length; ++k) {
                const float d = a[k] - b[k];
                sum += d * d;
            }
            if (sum > cutoff) return sum;
        }
        return sum;
    }

    // The search minimises resemblance plus a cost for each other target that copies the
    // same source: without it, many targets settle on one good source and its copies
    // tile the hole like wallpaper. The votes weigh resemblance alone.
    void tryMatch(size_t i, cv::Point q) {
        if (!isSource(q) || q == field_[i]) return;
        const float reuse = reuseCost_ * static_cast<float>(uses_.at<int>(q)) + detailCost(i, q);
        if (reuse >= distance_[i]) return;
        const float resemblance = patchDistance(targets_[i], q, distance_[i] - reuse);
        if (resemblance + reuse < distance_[i]) {
            distance_[i] = resemblance + reuse;
            resemblance_[i] = resemblance;
            --uses_.at<int>(field_[i]);
            ++uses_.at<int>(q);
            field_[i] = q;
        }
    }

    // PatchMatch: take a neighbour's match shifted along (propagation), then try
    // random sources around the best so far, in shrinking windows.
    void search(bool forward) {
        const int step = forward ? 1 : -1;
        const int widest = std::max(estimate_.cols, estimate_.rows);
        const auto n = static_cast<std::ptrdiff_t>(targets_.size());
        for (std::ptrdiff_t k = 0; k < n; ++k) {
            const size_t i = static_cast<size_t>(forward ? k : n - 1 - k);
            const cv::Point p = targets_[i];
            for (const cv::Point along : {cv::Point(step, 0), cv::Point(0, step)}) {
                const cv::Point neighbour = p - along;
                if (neighbour.x < 0 || neighbour.y < 0 || neighbour.x >= targetIndex_.cols || neighbour.y >= targetIndex_.rows) continue;
                const int j = targetIndex_.at<int>(neighbour);
                if (j >= 0) tryMatch(i, field_[static_cast<size_t>(j)] + along);
            }
            for (int window = widest; window >= 1; window /= 2) {
                std::uniform_int_distribution<int> offset(-window, window);
                tryMatch(i, field_[i] + cv::Point(offset(rng_), offset(rng_)));
            }
        }
    }

    // Each hole pixel: the mean of the pixels the patches covering it copy there,
    // weighted exp(-distance / (spread x the 25th percentile of the distances)): a
    // small spread follows the best matches, so copied texture stays sharp.
    void vote(float spread) {
        const float scale = std::max(quartile(resemblance_), 1e-12f) * spread;
        const int channels = estimate_.channels();
        cv::Mat sum(estimate_.size(), estimate_.type(), cv::Scalar::all(0));
        cv::Mat weight(estimate_.size(), CV_32F, cv::Scalar(0));
        for (size_t i = 0; i < targets_.size(); ++i) {
            const cv::Point p = targets_[i], q = field_[i];
            // Capped so the weights stay normal floats: denormal products lose the colour.
            const float w = std::exp(-std::min(resemblance_[i] / scale, 60.0f));
            for (int dy = -r_; dy <= r_; ++dy) {
                const uchar* hole = holes_.ptr<uchar>(p.y + dy);
                const float* from = estimate_.ptr<float>(q.y + dy);
                float* to = sum.ptr<float>(p.y + dy);
                float* weights = weight.ptr<float>(p.y + dy);
                for (int dx = -r_; dx <= r_; ++dx) {
                    if (!hole[p.x + dx]) continue;
                    for (int c = 0; c < channels; ++c) to[(p.x + dx) * channels + c] += w * from[(q.x + dx) * channels + c];
                    weights[p.x + dx] += w;
                }
            }
        }
        for (int y = 0; y < estimate_.rows; ++y) {
            const uchar* hole = holes_.ptr<uchar>(y);
            const float* s = sum.ptr<float>(y);
            const float* w = weight.ptr<float>(y);
            float* e = estimate_.ptr<float>(y);
            for (int x = 0; x < estimate_.cols; ++x)
                if (hole[x] && w[x] > 0)
                    for (int c = 0; c < channels; ++c) e[x * channels + c] = s[x * channels + c] / w[x];
        }
    }

    cv::Mat estimate_, holes_, source_, targetIndex_;
    int r_;
    std::mt19937_64& rng_;
    std::vector<cv::Point> targets_, sources_, field_;
    std::vector<float> resemblance_;  // sum of squared differences to each target's match
    std::vector<float> distance_;     // what the search minimises: resemblance + reuse cost
    cv::Mat uses_;                    // per source centre: how many targets copy it
    float reuseCost_ = 0;             // per other target copying the same source
    float detailWeight_ = 0;
    static constexpr double kDetailFloor = 1e-3;  // keeps the log of a flat patch finite
    cv::Mat detail_, expectedDetail_;  // per patch centre: its detail, and the detail it should hold
    float valuesPerPatch_ = 0;
};

} // namespace

namespace {

cv::Rect grown(const cv::Rect& r, int margin) { return {r.x - margin, r.y - margin, r.width + 2 * margin, r.height + 2 * margin}; }

// Synthesises `holes` (one hole) in `image`; `blocked` holds every hole, whose pixels
// take the initial fill and are never copied from.
cv::Mat synthesizeRegion(const cv::Mat& image, const cv::Mat& holes, const cv::Mat& blocked, const cv::Mat& initial,
                         const PatchSynthesisOptions& options, double deepest, double reach) {
    const int radius = options.patchSize / 2;
    const cv::Mat fullImage = toUnitFloat(image), fullInitial = toUnitFloat(initial);
    // Octave scales: 1, 1/2, 1/4, ... down to where the deepest hole is coarseDepth
    // deep, but never below a few patches across.
    // At least one octave below full size: started at full size, PatchMatch's random start
    // settled into blocks in five rounds (foliage squares in the haze above a removed tree
    // 40 px deep), where a half-size start lays the hole out first.
    std::vector<double> scales{1.0};
    while ((deepest * scales.back() / 2 >= options.coarseDepth || scales.size() == 1) &&
           std::min(image.cols, image.rows) * scales.back() / 2 >= 4.0 * options.patchSize)
        scales.push_back(scales.back() / 2);

    // Progress by round, each weighed by its octave's area (the finest octave is most of the work).
    double work = 0, workDone = 0;
    for (size_t k = 0; k < scales.size(); ++k)
        work += scales[k] * scales[k] * (k + 1 == scales.size() ? options.coarseIterations : options.fineIterations);

    std::mt19937_64 rng(options.seed);
    std::unique_ptr<Octave> coarser;
    cv::Mat carried;  // the coarser octave's estimate, scaled to this octave
    for (auto scale = scales.rbegin(); scale != scales.rend(); ++scale) {
        const cv::Size size(std::max(1, cvRound(image.cols * *scale)), std::max(1, cvRound(image.rows * *scale)));
        cv::Mat known, start;
        cv::resize(fullImage, known, size, 0, 0, cv::INTER_AREA);
        if (carried.empty()) cv::resize(fullInitial, start, size, 0, 0, cv::INTER_AREA);
        else cv::resize(carried, start, size, 0, 0, cv::INTER_LINEAR);
        const cv::Mat octaveHoles = scaledHoles(holes, size);
        const cv::Mat octaveBlocked = scaledHoles(blocked, size) | octaveHoles;
        start.copyTo(known, octaveBlocked);
        const double octaveReach = reach > 0 ? std::max(4.0 * options.patchSize, reach * *scale) : 0;
        auto octave = std::make_unique<Octave>(known, octaveHoles, octaveBlocked, radius, octaveReach,
                                               static_cast<float>(options.detailWeight), rng);
        if (!octave->canSynthesize()) return compositeHoles(image, initial, holes);
        octave->seedField(coarser.get());
        const int rounds = coarser ? options.fineIterations : options.coarseIterations;
        for (int i = 0; i < rounds; ++i) {
            throwIfCancelled();
            octave->round(i, static_cast<float>(options.voteSpread), static_cast<float>(options.reuseCost));
            reportProgress((workDone += *scale * *scale) / work);
        }
        carried = octave->estimate();
        coarser = std::move(octave);
    }
    return compositeHoles(image, fromUnitFloat(carried, image), holes);
}

} // namespace

cv::Mat synthesizeHoleTexture(const cv::Mat& image, const cv::Mat& holes, const cv::Mat& initial, const PatchSynthesisOptions& options) {
    checkInpaintInputs(image, holes);
    if (initial.size() != image.size() || initial.type() != image.type())
        throw InvalidArgument("the initial fill must have the image's size and type");
    if (options.patchSize < 3 || options.patchSize % 2 == 0) throw InvalidArgument("the patch size must be odd and at least 3");
    if (options.coarseDepth <= 0) throw InvalidArgument("the coarse hole depth must be positive");
    if (options.sourceReach < 0) throw InvalidArgument("the source reach cannot be negative");
    if (options.detailWeight < 0) throw InvalidArgument("the detail weight cannot be negative");
    if (cv::countNonZero(holes) == 0) return image.clone();

    // Each hole on its own, with its own depth, reach and scale of match distances: with
    // one shared by all, a hole in smooth sky made every match in the grass around a
    // removed rock look equally bad, and the rock came back as a blurred disc.
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(holes != 0, labels, stats, centroids, 8, CV_32S);
    const cv::Rect whole(0, 0, image.cols, image.rows);
    const double total = cv::countNonZero(holes);
    double done = 0;
    cv::Mat result = image.clone();
    for (int label = 1; label < count; ++label) {
        const cv::Rect box(stats.at<int>(label, cv::CC_STAT_LEFT), stats.at<int>(label, cv::CC_STAT_TOP),
                           stats.at<int>(label, cv::CC_STAT_WIDTH), stats.at<int>(label, cv::CC_STAT_HEIGHT));
        const double pixels = stats.at<int>(label, cv::CC_STAT_AREA);
        const ProgressPart part(done / total, (done + pixels) / total);
        done += pixels;
        const cv::Rect framed = grown(box, 1) & whole;  // the nearest known pixel lies within 1 px
        const double deepest = deepestHoleDepth(labels(framed) == label);
        // Patches come from around the hole: far parts of a photo offer look-alikes of the
        // wrong thing (a grey coarse fill in grass found grey rock on the mountain behind).
        cv::Rect area = whole;
        double reach = 0;
        if (options.sourceReach > 0) {
            reach = std::max(4.0 * options.patchSize, options.sourceReach * deepest);
            area = grown(box, cvCeil(reach)) & whole;
        }
        const cv::Mat hole = labels(area) == label;
        synthesizeRegion(image(area), hole, holes(area), initial(area), options, deepest, reach).copyTo(result(area), hole);
    }
    return result;
}

} // namespace pconv
