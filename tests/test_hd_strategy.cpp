// Big-photo strategies: which regions Crop inpaints, and that Crop and Resize
// change only hole pixels, report progress and can be cancelled.
#include "pconv/errors.h"
#include "pconv/hd_strategy.h"
#include "pconv/progress_scope.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include <QtTest>

using namespace pconv;

namespace {

cv::Mat texturedPhoto(int rows, int cols) {
    cv::Mat image(rows, cols, CV_8UC3);
    cv::RNG rng(2);
    rng.fill(image, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(image, image, {0, 0}, 3);
    return image;
}

cv::Mat unchangedOutsideHoles(const cv::Mat& a, const cv::Mat& b, const cv::Mat& holes) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    cv::Mat outside;
    cv::cvtColor(diff, outside, cv::COLOR_BGR2GRAY);
    outside.setTo(0, holes);
    return outside;
}

// How far the Resize strategy's fill of a 10 px disc is from filling the image as it is
// (0: Resize left the image at its size).
double resizedFillDiffersBy(const cv::Mat& image, cv::Point centre) {
    cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
    cv::circle(holes, centre, 10, 255, -1);
    const auto inpainter = makeClassicalInpainter(Method::NavierStokes);
    HdOptions options;
    options.strategy = HdStrategy::Resize;
    return cv::norm(*inpaintLarge(*inpainter, image, holes, options), inpainter->inpaint(image, holes), cv::NORM_INF);
}

} // namespace

class TestHdStrategy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void regions() {
        cv::Mat holes = cv::Mat::zeros(1500, 2000, CV_8UC1);
        cv::rectangle(holes, {1000, 700}, {1059, 759}, 255, -1);  // 60x60 in the middle
        auto boxes = cropRegions(holes, 128);
        QCOMPARE(int(boxes.size()), 1);
        QCOMPARE(boxes[0], cv::Rect(1000 - 128, 700 - 128, 60 + 256, 60 + 256));

        // At a corner the box keeps its size by shifting inward.
        holes.setTo(0);
        cv::rectangle(holes, {0, 0}, {9, 9}, 255, -1);
        boxes = cropRegions(holes, 128);
        QCOMPARE(boxes[0], cv::Rect(0, 0, 10 + 256, 10 + 256));

        // Two holes whose grown boxes overlap become one region; a far one stays apart.
        holes.setTo(0);
        cv::circle(holes, {300, 300}, 10, 255, -1);
        cv::circle(holes, {500, 300}, 10, 255, -1);
        cv::circle(holes, {1800, 1300}, 10, 255, -1);
        boxes = cropRegions(holes, 128);
        QCOMPARE(int(boxes.size()), 2);
        QVERIFY(boxes[0].contains({300, 300}) && boxes[0].contains({500, 300}));
        QCOMPARE((boxes[0] & boxes[1]).area(), 0);

        QVERIFY(cropRegions(cv::Mat::zeros(50, 50, CV_8UC1), 10).empty());
    }

    void strategiesChangeOnlyHoles_data() {
        QTest::addColumn<int>("strategy");
        QTest::newRow("crop") << int(HdStrategy::Crop);
        QTest::newRow("resize") << int(HdStrategy::Resize);
        QTest::newRow("original") << int(HdStrategy::Original);
    }
    void strategiesChangeOnlyHoles() {
        QFETCH(int, strategy);
        const cv::Mat image = texturedPhoto(1300, 1700);
        cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
        cv::line(holes, {200, 200}, {260, 230}, 255, 15);
        cv::circle(holes, {1650, 1250}, 30, 255, -1);  // touches the border
        HdOptions options;
        options.strategy = static_cast<HdStrategy>(strategy);
        int lastDone = -1, lastTotal = -1;
        const auto inpainter = makeClassicalInpainter(Method::Telea);
        const auto result = inpaintLarge(*inpainter, image, holes, options, [&](int d, int t) {
            lastDone = d;
            lastTotal = t;
        });
        QVERIFY(result.has_value());
        QCOMPARE(cv::countNonZero(unchangedOutsideHoles(*result, image, holes)), 0);
        QCOMPARE(lastDone, lastTotal);
        QCOMPARE(lastTotal, options.strategy == HdStrategy::Crop ? 2 : 1);
        // The holes were filled with something close to their surroundings.
        cv::Mat diff;
        cv::absdiff(*result, image, diff);
        QVERIFY(cv::mean(diff, holes)[0] < 40);
    }

    // Telea only looks a few pixels around the holes: cropping with a margin gives
    // the same pixels as running it on the whole photo.
    void cropMatchesWholeImageForLocalMethod() {
        const cv::Mat image = texturedPhoto(1000, 1200);
        cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
        cv::line(holes, {500, 500}, {560, 520}, 255, 9);
        const auto inpainter = makeClassicalInpainter(Method::Telea);
        HdOptions options;
        const auto cropped = inpaintLarge(*inpainter, image, holes, options);
        QCOMPARE(cv::norm(*cropped, inpainter->inpaint(image, holes), cv::NORM_INF), 0.0);
    }

    // A crop with no context around a rectangular hole would give the network nothing
    // to fill from: too small a margin is refused, not filled with a guess.
    void tooSmallCropMarginIsRefused() {
        const cv::Mat image = texturedPhoto(1000, 1200);
        cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
        holes(cv::Rect(500, 400, 200, 100)).setTo(255);
        const auto inpainter = makeClassicalInpainter(Method::Telea);
        HdOptions options;
        options.cropMargin = kMinCropMargin - 1;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, inpaintLarge(*inpainter, image, holes, options));
        options.cropMargin = kMinCropMargin;
        QVERIFY(inpaintLarge(*inpainter, image, holes, options).has_value());
    }

    void smallImagesIgnoreTheStrategy() {
        QCOMPARE(resizedFillDiffersBy(texturedPhoto(300, 400), {200, 150}), 0.0);
        // Over the trigger but within the resize limit: filled as it is, not enlarged to the limit.
        const HdOptions defaults;
        QVERIFY(900 > defaults.triggerSize && 900 <= defaults.resizeLimit);
        QCOMPARE(resizedFillDiffersBy(texturedPhoto(600, 900), {450, 300}), 0.0);
    }

    // A panorama keeps a usable height: 8000x300 was filled at 1024x38.
    void resizeKeepsAPanoramaTall() {
        QCOMPARE(resizeScale({4000, 3000}, 1024), 1024.0 / 4000);
        QCOMPARE(resizeScale({3000, 4000}, 1024), 1024.0 / 4000);
        QCOMPARE(resizeScale({8000, 300}, 1024), 256.0 / 300);
        QCOMPARE(resizeScale({300, 8000}, 1024), 256.0 / 300);
        QCOMPARE(resizeScale({1000, 800}, 1024), 1.0);
        QCOMPARE(resizedFillDiffersBy(texturedPhoto(60, 2000), {1000, 30}), 0.0);  // short side below a quarter of the limit: as it is
    }

    // Progress within one call: parts map into their enclosing part, and the whole ends at 1.
    void progressScopeMapsNestedParts() {
        std::vector<double> seen;
        {
            const ProgressScope scope([&](double f) { seen.push_back(f); });
            {
                const ProgressPart second(0.5, 1);
                {
                    const ProgressPart half(0, 0.5);
                    reportProgress(0.5);  // 0.5 + 0.5 * 0.5 * 0.5
                }
                reportProgress(0.4);      // 0.7: below what the inner part's end reached, not reported
            }
            reportProgress(2);  // clamped
        }
        QCOMPARE(seen, (std::vector<double>{0.625, 0.75, 1.0}));
        reportProgress(0.5);  // outside a scope: nothing, no crash
        QCOMPARE(seen.size(), size_t(3));

        // Crop reports per region through the scope.
        const cv::Mat image = texturedPhoto(900, 1200);
        cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
        for (int i = 0; i < 4; ++i) cv::circle(holes, {150 + 300 * i, 450}, 10, 255, -1);
        seen.clear();
        {
            const ProgressScope scope([&](double f) { seen.push_back(f); });
            QVERIFY(inpaintLarge(*makeClassicalInpainter(Method::Telea), image, holes, HdOptions{}));
        }
        QCOMPARE(seen, (std::vector<double>{0.25, 0.5, 0.75, 1.0}));
    }

    void cancel() {
        const cv::Mat image = texturedPhoto(1000, 1000);
        cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
        for (int i = 0; i < 4; ++i) cv::circle(holes, {100 + i * 250, 500}, 10, 255, -1);
        std::atomic<bool> cancelled{false};
        int calls = 0;
        const auto inpainter = makeClassicalInpainter(Method::Telea);
        const auto result = inpaintLarge(*inpainter, image, holes, HdOptions{}, [&](int done, int) {
            ++calls;
            if (done == 1) cancelled = true;
        }, &cancelled);
        QVERIFY(!result.has_value());
        QCOMPARE(calls, 2);
    }

    void names() {
        for (auto s : {HdStrategy::Original, HdStrategy::Crop, HdStrategy::Resize}) QCOMPARE(int(*parseHdStrategy(toString(s))), int(s));
        QVERIFY(!parseHdStrategy("tile"));
    }
};

QTEST_GUILESS_MAIN(TestHdStrategy)
#include "test_hd_strategy.moc"
