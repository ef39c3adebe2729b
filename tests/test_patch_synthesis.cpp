// Patch synthesis for wide holes: it rebuilds textures from the image's own patches
// (a periodic one almost exactly, a noisy one with its contrast), keeps every pixel
// outside the holes, handles every image type inpaint() takes, and refuses bad input.
#include "pconv/errors.h"
#include "pconv/inpainter.h"
#include "pconv/model.h"
#include "pconv/patch_synthesis.h"

#include <opencv2/imgproc.hpp>

#include <QtTest>

using namespace pconv;

namespace {

// A tile of random colours repeated: every patch of the hole exists outside it.
cv::Mat periodicTexture(int side, int period) {
    cv::Mat tile(period, period, CV_8UC3);
    cv::RNG rng(3);
    rng.fill(tile, cv::RNG::UNIFORM, 0, 256);
    cv::Mat image;
    cv::repeat(tile, side / period + 1, side / period + 1, image);
    return image(cv::Rect(0, 0, side, side)).clone();
}

cv::Mat noiseTexture(int side) {
    cv::Mat image(side, side, CV_8UC3);
    cv::RNG rng(4);
    rng.fill(image, cv::RNG::NORMAL, cv::Scalar(120, 140, 90), cv::Scalar(25, 25, 25));
    return image;
}

cv::Mat disc(int side, int radius) {
    cv::Mat holes = cv::Mat::zeros(side, side, CV_8UC1);
    cv::circle(holes, {side / 2, side / 2}, radius, 255, -1);
    return holes;
}

// The image with its holes set to one colour: a flat start.
cv::Mat holesSetTo(const cv::Mat& image, const cv::Mat& holes, const cv::Scalar& colour) {
    cv::Mat start = image.clone();
    start.setTo(colour, holes);
    return start;
}

// The image with its holes filled by the mean colour of the known pixels: the
// smoothest possible start.
cv::Mat flatFill(const cv::Mat& image, const cv::Mat& holes) { return holesSetTo(image, holes, cv::mean(image, holes == 0)); }

double psnrInHoles(const cv::Mat& a, const cv::Mat& b, const cv::Mat& holes) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    diff.convertTo(diff, CV_64F);
    diff = diff.mul(diff);
    const double mse = cv::mean(diff, holes)[0] + cv::mean(diff, holes)[1] + cv::mean(diff, holes)[2];
    return 10 * std::log10(255.0 * 255.0 * 3 / std::max(mse, 1e-12));
}

double stdDevInHoles(const cv::Mat& image, const cv::Mat& holes) {
    cv::Scalar mean, deviation;
    cv::meanStdDev(image, mean, deviation, holes);
    return (deviation[0] + deviation[1] + deviation[2]) / 3;
}

// The spread of a region of known texture, to compare a hole's against.
double stdDevOf(const cv::Mat& image, const cv::Rect& region) {
    return stdDevInHoles(image(region), cv::Mat(region.size(), CV_8UC1, cv::Scalar(255)));
}

bool sameOutsideHoles(const cv::Mat& a, const cv::Mat& b, const cv::Mat& holes) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    diff = diff.reshape(1, static_cast<int>(diff.total()));
    cv::Mat outside = (holes == 0);
    outside = outside.reshape(1, static_cast<int>(outside.total()));
    for (int i = 0; i < diff.rows; ++i)
        if (outside.at<uchar>(i) && cv::countNonZero(diff.row(i)) > 0) return false;
    return true;
}

} // namespace

class TestPatchSynthesis : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rebuildsAPeriodicTexture() {
        const cv::Mat truth = periodicTexture(192, 8);
        const cv::Mat holes = disc(192, 40);
        const cv::Mat start = flatFill(truth, holes);
        // Started three octaves down, where the hole is 5 px deep: the tile's phase settles
        // there from the hole's edge and carries up (from a flat start at full size, five
        // rounds are too few for it to reach the middle).
        PatchSynthesisOptions options;
        options.coarseDepth = 5;
        const cv::Mat result = synthesizeHoleTexture(truth, holes, start, options);
        const double before = psnrInHoles(start, truth, holes), after = psnrInHoles(result, truth, holes);
        QVERIFY2(after > 30 && after > before + 15, qPrintable(QString("PSNR in the hole %1 dB, flat start %2 dB").arg(after).arg(before)));
        QVERIFY(sameOutsideHoles(result, truth, holes));
    }

    // A hole between one and two coarse depths deep (35 px, coarseDepth 24) still starts half
    // size: from full size alone five rounds leave PatchMatch's random start as blocks.
    void aShallowWideHoleStartsHalfSize() {
        const cv::Mat truth = periodicTexture(192, 8);
        const cv::Mat holes = disc(192, 35);
        const cv::Mat start = flatFill(truth, holes);
        const cv::Mat result = synthesizeHoleTexture(truth, holes, start);
        const double before = psnrInHoles(start, truth, holes), after = psnrInHoles(result, truth, holes);
        QVERIFY2(after > before + 10, qPrintable(QString("PSNR in the hole %1 dB, flat start %2 dB").arg(after).arg(before)));
    }

    void givesNoiseItsContrast() {
        const cv::Mat truth = noiseTexture(256);
        const cv::Mat holes = disc(256, 70);  // 70 px deep: synthesised over two octaves
        const cv::Mat result = synthesizeHoleTexture(truth, holes, flatFill(truth, holes));
        const double known = stdDevInHoles(truth, holes == 0), filled = stdDevInHoles(result, holes);
        QVERIFY2(filled > 0.6 * known, qPrintable(QString("spread in the hole %1, outside %2").arg(filled).arg(known)));
        const cv::Scalar meanIn = cv::mean(result, holes), meanOut = cv::mean(truth, holes == 0);
        for (int c = 0; c < 3; ++c) QVERIFY(std::abs(meanIn[c] - meanOut[c]) < 8);
    }

    // Patches come from around the hole: a wrong-coloured start (grey in green grass) is
    // not matched to look-alikes far away (grey rock on the image's other side).
    void copiesFromAroundTheHole() {
        cv::Mat image(200, 400, CV_8UC3);
        cv::RNG rng(6);
        rng.fill(image, cv::RNG::NORMAL, cv::Scalar(60, 160, 60), cv::Scalar(12, 12, 12));
        cv::Mat rock = image(cv::Rect(0, 0, 150, 200));
        rng.fill(rock, cv::RNG::NORMAL, cv::Scalar(128, 128, 128), cv::Scalar(12, 12, 12));
        cv::Mat holes = cv::Mat::zeros(200, 400, CV_8UC1);
        cv::circle(holes, {300, 100}, 30, 255, -1);
        const cv::Mat grey = holesSetTo(image, holes, cv::Scalar(128, 128, 128));
        const cv::Scalar near = cv::mean(synthesizeHoleTexture(image, holes, grey), holes);
        PatchSynthesisOptions anywhere;
        anywhere.sourceReach = 0;
        const cv::Scalar far = cv::mean(synthesizeHoleTexture(image, holes, grey, anywhere), holes);
        QVERIFY2(near[1] - near[0] > 60, qPrintable(QString("B %1 G %2").arg(near[0]).arg(near[1])));  // green, as around it
        QVERIFY2(far[1] - far[0] < 30, qPrintable(QString("B %1 G %2").arg(far[0]).arg(far[1])));     // the grey start found grey
    }

    // "Around the hole" is near it, not in its bounding box: the box of an L-shaped stroke
    // holds a flat region that matched the flat start best, and the stroke was filled flat.
    void copiesFromNearTheStrokeNotItsBoundingBox() {
        cv::Mat image = noiseTexture(240);
        const cv::Scalar flatColour(120, 140, 90);
        image(cv::Rect(0, 0, 120, 120)).setTo(flatColour);
        cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
        holes(cv::Rect(200, 10, 24, 220)).setTo(255);
        holes(cv::Rect(10, 200, 214, 24)).setTo(255);
        const cv::Mat result = synthesizeHoleTexture(image, holes, holesSetTo(image, holes, flatColour));
        const double known = stdDevOf(image, cv::Rect(120, 120, 80, 80));
        const double filled = stdDevInHoles(result, holes);
        QVERIFY2(filled > 0.6 * known, qPrintable(QString("spread in the stroke %1, in the texture around it %2").arg(filled).arg(known)));
    }

    // A wide hole in smooth sky beside a small one in grass: the sky's near-perfect matches
    // must not set the scale for the grass's, or every grass match looks equally bad, the
    // votes become a plain mean and the small hole is filled with blur.
    void eachHoleKeepsItsOwnTexture() {
        cv::Mat image = noiseTexture(240);
        cv::Mat sky = image(cv::Rect(0, 0, 240, 120));
        for (int y = 0; y < sky.rows; ++y) sky.row(y).setTo(cv::Scalar(200 - y / 4, 150, 100 + y / 4));
        cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
        cv::circle(holes, {120, 55}, 50, 255, -1);  // in the sky
        cv::circle(holes, {120, 185}, 25, 255, -1);  // in the grass
        const cv::Mat grassHole = holes.clone();
        grassHole(cv::Rect(0, 0, 240, 120)).setTo(0);
        const cv::Mat result = synthesizeHoleTexture(image, holes, flatFill(image, holes));
        const double known = stdDevOf(image, cv::Rect(0, 130, 240, 110));
        const double filled = stdDevInHoles(result, grassHole);
        QVERIFY2(filled > 0.85 * known, qPrintable(QString("spread in the grass hole %1, in the grass %2").arg(filled).arg(known)));
    }

    // A smooth start matches smooth sources best: with a flat band of the grass's own
    // colour within reach, a hole in the grass was filled from the band (a far-off meadow
    // for grass). The detail cost asks for as much detail as the hole's surroundings have.
    void copiesDetailLikeTheSurroundings() {
        cv::Mat image = noiseTexture(240);
        const cv::Scalar grassMean = cv::mean(image);
        image(cv::Rect(0, 0, 240, 60)).setTo(grassMean);  // the smooth look-alike
        cv::Mat holes = cv::Mat::zeros(image.size(), CV_8UC1);
        cv::circle(holes, {120, 150}, 40, 255, -1);
        const cv::Mat start = holesSetTo(image, holes, grassMean);
        const double known = stdDevOf(image, cv::Rect(0, 200, 240, 40));
        const double filled = stdDevInHoles(synthesizeHoleTexture(image, holes, start), holes);
        PatchSynthesisOptions noDetailCost;
        noDetailCost.detailWeight = 0;
        const double flat = stdDevInHoles(synthesizeHoleTexture(image, holes, start, noDetailCost), holes);
        QVERIFY2(filled > 0.8 * known, qPrintable(QString("spread in the hole %1, in the grass %2").arg(filled).arg(known)));
        QVERIFY2(flat < 0.5 * known, qPrintable(QString("without the detail cost: spread %1, in the grass %2").arg(flat).arg(known)));
    }

    void sameSeedSameResult() {
        const cv::Mat truth = noiseTexture(128);
        const cv::Mat holes = disc(128, 30);
        const cv::Mat start = flatFill(truth, holes);
        PatchSynthesisOptions options;
        options.seed = 9;
        const cv::Mat a = synthesizeHoleTexture(truth, holes, start, options), b = synthesizeHoleTexture(truth, holes, start, options);
        QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
        options.seed = 10;
        QVERIFY(cv::norm(a, synthesizeHoleTexture(truth, holes, start, options), cv::NORM_INF) > 0);
    }

    void everyImageType_data() {
        QTest::addColumn<int>("type");
        QTest::addRow("8-bit gray") << CV_8UC1;
        QTest::addRow("16-bit gray") << CV_16UC1;
        QTest::addRow("8-bit BGRA") << CV_8UC4;
        QTest::addRow("16-bit BGR") << CV_16UC3;
    }
    void everyImageType() {
        QFETCH(int, type);
        cv::Mat image(96, 120, type);
        cv::RNG rng(5);
        rng.fill(image, cv::RNG::UNIFORM, 0, CV_MAT_DEPTH(type) == CV_16U ? 65536 : 256);
        const cv::Mat holes = disc(96, 20)(cv::Rect(0, 0, 96, 96));
        cv::Mat wideHoles = cv::Mat::zeros(96, 120, CV_8UC1);
        holes.copyTo(wideHoles(cv::Rect(0, 0, 96, 96)));
        const cv::Mat result = synthesizeHoleTexture(image, wideHoles, flatFill(image, wideHoles));
        QCOMPARE(result.type(), type);
        QCOMPARE(result.size(), image.size());
        QVERIFY(sameOutsideHoles(result, image, wideHoles));
        if (image.channels() == 4) {  // alpha untouched inside the holes too
            cv::Mat alphaIn, alphaOut;
            cv::extractChannel(image, alphaIn, 3);
            cv::extractChannel(result, alphaOut, 3);
            QCOMPARE(cv::norm(alphaIn, alphaOut, cv::NORM_INF), 0.0);
        }
    }

    // Nothing to copy from (every patch touches a hole): the start comes back.
    void noSourcePatch() {
        const cv::Mat image = noiseTexture(64);
        cv::Mat holes(64, 64, CV_8UC1, cv::Scalar(255));
        holes(cv::Rect(0, 0, 4, 4)).setTo(0);
        const cv::Mat start = flatFill(image, holes);
        QCOMPARE(cv::norm(synthesizeHoleTexture(image, holes, start), start, cv::NORM_INF), 0.0);
    }

    void refusesBadInput() {
        const cv::Mat image = noiseTexture(64);
        const cv::Mat holes = disc(64, 10);
        PatchSynthesisOptions even;
        even.patchSize = 6;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, synthesizeHoleTexture(image, holes, image, even));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, synthesizeHoleTexture(image, holes, image(cv::Rect(0, 0, 32, 32)).clone()));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, synthesizeHoleTexture(image, disc(32, 5), image));
        PatchSynthesisOptions negativeDetail;
        negativeDetail.detailWeight = -1;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, synthesizeHoleTexture(image, holes, image, negativeDetail));
    }

    // The network's deep-hole path: texture on by default, off on request, and only
    // for holes deeper than the network was trained on.
    void pconvInpainterUsesItForDeepHoles() {
        const PConvModel model = PConvModel::create(ModelConfig{3, 4}, 1);
        const cv::Mat truth = noiseTexture(256);
        const cv::Mat deep = disc(256, 70);
        PConvInpaintOptions smooth;
        smooth.deepHoleTexture = false;
        const cv::Mat textured = makePConvInpainter(model)->inpaint(truth, deep);
        const cv::Mat plain = makePConvInpainter(model, smooth)->inpaint(truth, deep);
        QVERIFY2(stdDevInHoles(textured, deep) > 2 * stdDevInHoles(plain, deep),
                 qPrintable(QString("%1 against %2").arg(stdDevInHoles(textured, deep)).arg(stdDevInHoles(plain, deep))));
        const cv::Mat shallow = disc(256, 20);  // 20 px deep: the network alone
        QCOMPARE(cv::norm(makePConvInpainter(model)->inpaint(truth, shallow), makePConvInpainter(model, smooth)->inpaint(truth, shallow),
                          cv::NORM_INF),
                 0.0);
        // ... unless texture starts shallower (the editor's 8 px): the network's fill, then the photo's texture.
        PConvInpaintOptions fromEight;
        fromEight.maxHoleDepth = 8;
        const cv::Mat shallowTextured = makePConvInpainter(model, fromEight)->inpaint(truth, shallow);
        const cv::Mat shallowPlain = makePConvInpainter(model)->inpaint(truth, shallow);
        QVERIFY2(stdDevInHoles(shallowTextured, shallow) > 2 * stdDevInHoles(shallowPlain, shallow),
                 qPrintable(QString("%1 against %2").arg(stdDevInHoles(shallowTextured, shallow)).arg(stdDevInHoles(shallowPlain, shallow))));
        QVERIFY(stdDevInHoles(shallowTextured, shallow) > 0.6 * stdDevInHoles(truth, shallow == 0));
    }
};

QTEST_MAIN(TestPatchSynthesis)
#include "test_patch_synthesis.moc"
