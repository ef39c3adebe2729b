// Every method keeps pixels outside the holes bit-exact, keeps alpha, and works
// on odd sizes, gray, BGR, BGRA and 16-bit images; Telea/NS equal cv::inpaint.
#include "pconv/errors.h"
#include "pconv/inpainter.h"
#include "pconv/mask_ops.h"
#include "pconv/nn/tensor_image.h"

#include <QtTest>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#include <torch/torch.h>

Q_DECLARE_METATYPE(cv::Mat)

using namespace pconv;

namespace {

cv::Mat randomImage(int rows, int cols, int type, int seed) {
    cv::Mat image(rows, cols, type);
    cv::RNG rng(seed);
    rng.fill(image, cv::RNG::UNIFORM, 0, CV_MAT_DEPTH(type) == CV_16U ? 65536 : 256);
    return image;
}

cv::Mat someHoles(int rows, int cols) {
    cv::Mat holes = cv::Mat::zeros(rows, cols, CV_8UC1);
    cv::line(holes, {0, 0}, {cols - 1, rows - 1}, 255, std::max(1, std::min(rows, cols) / 10));
    cv::circle(holes, {cols / 2, rows / 3}, std::max(1, std::min(rows, cols) / 8), 200, -1);  // grey = hole too
    holes.at<uchar>(rows - 1, cols - 1) = 1;                                                   // corner pixel
    return holes;
}

std::unique_ptr<Inpainter> makeFor(Method method) {
    if (method != Method::PConv) return makeClassicalInpainter(method);
    ModelConfig config;
    config.depth = 3;
    config.width = 4;
    return makePConvInpainter(PConvModel::create(config, 11));
}

bool identical(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

} // namespace

class TestInpainter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void outsideHolesBitExact_data() {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("type");
        const std::pair<const char*, int> types[] = {{"8UC1", CV_8UC1}, {"8UC3", CV_8UC3}, {"8UC4", CV_8UC4},
                                                     {"16UC1", CV_16UC1}, {"16UC3", CV_16UC3}, {"16UC4", CV_16UC4}};
        const std::pair<int, int> sizes[] = {{333, 517}, {64, 64}, {7, 300}, {1, 1}};
        for (Method m : {Method::PConv, Method::Telea, Method::NavierStokes})
            for (auto [name, type] : types)
                for (auto [rows, cols] : sizes)
                    QTest::addRow("%s_%s_%dx%d", toString(m).c_str(), name, cols, rows) << int(m) << rows << cols << type;
    }
    void outsideHolesBitExact() {
        QFETCH(int, method);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, type);
        const cv::Mat image = randomImage(rows, cols, type, rows * 7 + cols);
        const cv::Mat holes = someHoles(rows, cols);
        const cv::Mat result = makeFor(static_cast<Method>(method))->inpaint(image, holes);
        QCOMPARE(result.size(), image.size());
        QCOMPARE(result.type(), image.type());

        cv::Mat valid = holes == 0;
        cv::Mat diff;
        cv::absdiff(result, image, diff);
        QCOMPARE(cv::norm(diff, cv::NORM_INF, valid), 0.0);
        if (image.channels() == 4) {
            cv::Mat alphaIn, alphaOut;
            cv::extractChannel(image, alphaIn, 3);
            cv::extractChannel(result, alphaOut, 3);
            QVERIFY(identical(alphaIn, alphaOut));
        }
    }

    void holesAreActuallyFilled() {
        // A flat grey image with black holes: every method should bring grey in.
        cv::Mat image(96, 128, CV_8UC3, cv::Scalar(120, 120, 120));
        cv::Mat holes = cv::Mat::zeros(96, 128, CV_8UC1);
        cv::rectangle(holes, {40, 30}, {60, 50}, 255, -1);
        image.setTo(cv::Scalar(0, 0, 0), holes);
        for (Method m : {Method::Telea, Method::NavierStokes}) {
            const cv::Mat result = makeFor(m)->inpaint(image, holes);
            QVERIFY(cv::mean(result, holes)[0] > 100);
        }
    }

    // The colour under fully transparent pixels (here black, as files often hold) is no
    // context: a hole at the edge of the visible part is filled with its colour.
    void transparentColourDoesNotBleedIntoTheFill_data() {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("depth");
        QTest::newRow("telea_8") << int(Method::Telea) << CV_8U;
        QTest::newRow("ns_16") << int(Method::NavierStokes) << CV_16U;
    }
    void transparentColourDoesNotBleedIntoTheFill() {
        QFETCH(int, method);
        QFETCH(int, depth);
        const double scale = depth == CV_16U ? 257.0 : 1.0;
        cv::Mat image(80, 120, CV_MAKETYPE(depth, 4), cv::Scalar(90, 140, 120, 255) * scale);
        image.colRange(0, 60).setTo(cv::Scalar(0, 0, 0, 0));  // transparent, black underneath
        cv::Mat holes = cv::Mat::zeros(80, 120, CV_8UC1);
        cv::rectangle(holes, {50, 30}, {75, 50}, 255, -1);
        const cv::Mat result = makeClassicalInpainter(static_cast<Method>(method))->inpaint(image, holes);
        cv::Mat visibleHoles = holes.clone();
        visibleHoles.colRange(0, 60).setTo(0);
        const cv::Scalar fill = cv::mean(result, visibleHoles) / scale;
        for (int c = 0; c < 3; ++c) QVERIFY2(std::abs(fill[c] - cv::Scalar(90, 140, 120)[c]) < 3, qPrintable(QString::number(fill[c])));
        // Outside the holes, the transparent pixels keep the colour they had.
        QVERIFY(identical(result.colRange(0, 50), image.colRange(0, 50)));
    }

    void classicalEqualsCvInpaint_data() {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("type");
        QTest::newRow("telea_8UC3") << int(Method::Telea) << CV_8UC3;
        QTest::newRow("ns_8UC3") << int(Method::NavierStokes) << CV_8UC3;
        QTest::newRow("telea_8UC1") << int(Method::Telea) << CV_8UC1;
        QTest::newRow("ns_16UC1") << int(Method::NavierStokes) << CV_16UC1;
    }
    void classicalEqualsCvInpaint() {
        QFETCH(int, method);
        QFETCH(int, type);
        const cv::Mat image = randomImage(120, 90, type, 3);
        // Away from the image's border, where cv::inpaint would read what lies under the
        // holes (see ignoresHoleContent).
        cv::Mat holes = someHoles(120, 90);
        for (cv::Mat band : {holes.rowRange(0, 2), holes.rowRange(118, 120), holes.colRange(0, 2), holes.colRange(88, 90)}) band.setTo(0);
        cv::Mat expected;
        cv::inpaint(image, holes, expected, 3.0, method == int(Method::Telea) ? cv::INPAINT_TELEA : cv::INPAINT_NS);
        QVERIFY(identical(makeClassicalInpainter(static_cast<Method>(method), 3.0)->inpaint(image, holes), expected));
    }

    void noHolesReturnsInputUnchanged() {
        const cv::Mat image = randomImage(40, 50, CV_8UC3, 1);
        const cv::Mat holes = cv::Mat::zeros(40, 50, CV_8UC1);
        QVERIFY(identical(makeFor(Method::PConv)->inpaint(image, holes), image));
    }

    // What lies under the holes (the object being removed) never shapes the fill, also
    // where holes touch the image border (where cv::inpaint alone would read it).
    void ignoresHoleContent_data() {
        QTest::addColumn<int>("method");
        QTest::newRow("pconv") << int(Method::PConv);
        QTest::newRow("telea") << int(Method::Telea);
        QTest::newRow("ns") << int(Method::NavierStokes);
    }
    void ignoresHoleContent() {
        QFETCH(int, method);
        const auto inpainter = makeFor(static_cast<Method>(method));
        cv::Mat image = randomImage(70, 90, CV_8UC3, 5);
        cv::Mat nearBorder = cv::Mat::zeros(70, 90, CV_8UC1);  // 1 px in: cv::inpaint reads those too
        nearBorder(cv::Rect(1, 1, 20, 15)).setTo(255);
        for (const cv::Mat& holes : {someHoles(70, 90), nearBorder}) {
            cv::Mat other = image.clone();
            other.setTo(cv::Scalar(255, 0, 255), holes);
            QVERIFY(identical(inpainter->inpaint(image, holes), inpainter->inpaint(other, holes)));
        }
    }

    // A one-pixel-high strip (or column) used to get garbage: cv::inpaint read outside it,
    // and the shipped network's fill was 200 levels off on white.
    void oneRowStripsAreFilledFromTheirNeighbours() {
        QFETCH(int, method);
        QFETCH(double, tolerance);
        const auto inpainter = static_cast<Method>(method) == Method::PConv
                                   ? makePConvInpainter(PConvModel::load(PCONV_SOURCE_DIR "/models/default.pconv"))
                                   : makeClassicalInpainter(static_cast<Method>(method));
        for (const bool column : {false, true}) {
            cv::Mat image(1, 300, CV_8UC3, cv::Scalar(120, 200, 80)), holes = cv::Mat::zeros(1, 300, CV_8UC1);
            holes(cv::Rect(100, 0, 20, 1)).setTo(255);
            if (column) {
                image = image.t();
                holes = holes.t();
            }
            const double worst = cv::norm(inpainter->inpaint(image, holes), image, cv::NORM_INF);
            QVERIFY2(worst <= tolerance, qPrintable(QString("%1: worst pixel %2 levels off a flat strip").arg(column ? "column" : "row").arg(worst)));
        }
    }
    void oneRowStripsAreFilledFromTheirNeighbours_data() {
        QTest::addColumn<int>("method");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("pconv") << int(Method::PConv) << 30.0;  // its fill of a flat band is about 18 off (models/README.md)
        QTest::newRow("telea") << int(Method::Telea) << 4.0;
        QTest::newRow("ns") << int(Method::NavierStokes) << 4.0;
    }

    void badInputs_data() {
        QTest::addColumn<cv::Mat>("image");
        QTest::addColumn<cv::Mat>("holes");
        QTest::addColumn<QString>("message");
        QTest::newRow("size mismatch") << cv::Mat(10, 10, CV_8UC3, cv::Scalar::all(0)) << cv::Mat(10, 11, CV_8UC1, cv::Scalar(0))
                                       << "must match";
        QTest::newRow("empty image") << cv::Mat() << cv::Mat(10, 10, CV_8UC1, cv::Scalar(0)) << "empty";
        QTest::newRow("float image") << cv::Mat(10, 10, CV_32FC3, cv::Scalar::all(0)) << cv::Mat(10, 10, CV_8UC1, cv::Scalar(0))
                                     << "8- or 16-bit";
        QTest::newRow("2 channels") << cv::Mat(10, 10, CV_8UC2, cv::Scalar::all(0)) << cv::Mat(10, 10, CV_8UC1, cv::Scalar(0))
                                    << "1, 3 or 4 channels";
        QTest::newRow("3-channel mask") << cv::Mat(10, 10, CV_8UC3, cv::Scalar::all(0)) << cv::Mat(10, 10, CV_8UC3, cv::Scalar::all(0))
                                        << "single-channel";
    }
    void badInputs() {
        QFETCH(cv::Mat, image);
        QFETCH(cv::Mat, holes);
        QFETCH(QString, message);
        for (Method m : {Method::PConv, Method::Telea}) {
            try {
                makeFor(m)->inpaint(image, holes);
                QFAIL("no error");
            } catch (const InvalidArgument& e) {
                QVERIFY2(QString(e.what()).contains(message), e.what());
            }
        }
    }

    void refusesWholeImageBeyondMemoryLimit() {
        qputenv("PCONV_MEMORY_LIMIT_MB", "1");
        const cv::Mat image = randomImage(300, 300, CV_8UC3, 4);
        try {
            makeFor(Method::PConv)->inpaint(image, someHoles(300, 300));
            qunsetenv("PCONV_MEMORY_LIMIT_MB");
            QFAIL("no error");
        } catch (const InvalidArgument& e) {
            qunsetenv("PCONV_MEMORY_LIMIT_MB");
            // The image's own size (not the padded one) and the ways out.
            QVERIFY2(QString(e.what()).contains("a 300x300 image") && QString(e.what()).contains("--hd-strategy crop") &&
                         QString(e.what()).contains("PCONV_MEMORY_LIMIT_MB"),
                     e.what());
        }
        // The estimate grows with the image and the width.
        ModelConfig paper = ModelConfig::paper();
        QVERIFY(estimateInferenceBytes(paper, 4096, 4096) > 6000.0 * 1024 * 1024);
        QVERIFY(estimateInferenceBytes(paper, 512, 512) < 1000.0 * 1024 * 1024);
    }

    // The model shipped in models/ loads and inpaints, leaving pixels outside holes alone.
    void shippedModelInpaints() {
        const PConvModel model = PConvModel::load(PCONV_SOURCE_DIR "/models/default.pconv");
        QVERIFY(model.parameterCount() > 0);
        const cv::Mat image = randomImage(203, 317, CV_8UC3, 8);
        const cv::Mat holes = someHoles(203, 317);
        const cv::Mat result = makePConvInpainter(model)->inpaint(image, holes);
        QCOMPARE(cv::norm(image, result, cv::NORM_INF, holes == 0), 0.0);
        // The holes are filled with something near their surroundings, not left as they were.
        cv::Mat painted = image.clone();
        painted.setTo(cv::Scalar(255, 0, 255), holes);
        const cv::Mat fromPainted = makePConvInpainter(model)->inpaint(painted, holes);
        QCOMPARE(cv::norm(fromPainted, result, cv::NORM_INF), 0.0);  // hole content does not leak in
        QVERIFY(cv::norm(fromPainted, painted, cv::NORM_INF, holes) > 0);
    }

    // A hole far wider than any in training (a 300 px disc: 150 px deep) is filled with
    // its surroundings' colours, not the flat lavender the network gives at full size.
    void deepHoleTakesItsSurroundingsColour() {
        const PConvModel model = PConvModel::load(PCONV_SOURCE_DIR "/models/default.pconv");
        cv::Mat grass(512, 512, CV_8UC3);
        for (int y = 0; y < grass.rows; ++y)
            for (int x = 0; x < grass.cols; ++x) grass.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(40 + (x * 7 + y * 3) % 11), uchar(110 + y / 16), 90);
        cv::Mat holes = cv::Mat::zeros(512, 512, CV_8UC1);
        cv::circle(holes, {256, 256}, 150, 255, -1);
        const cv::Scalar around = cv::mean(grass, holes == 0);
        auto worstChannelOff = [&](const PConvInpaintOptions& options) {
            const cv::Scalar inside = cv::mean(makePConvInpainter(model, options)->inpaint(grass, holes), holes);
            return std::max({std::abs(inside[0] - around[0]), std::abs(inside[1] - around[1]), std::abs(inside[2] - around[2])});
        };
        const double coarse = worstChannelOff({1}), fullSize = worstChannelOff({1, 0});
        QVERIFY2(coarse < 12, qPrintable(QString("mean fill is %1 levels off its surroundings").arg(coarse)));
        QVERIFY2(coarse < fullSize, qPrintable(QString("coarse %1, full size %2").arg(coarse).arg(fullSize)));
    }

    // Right at the hole's edge the fill is the mean of Telea's and Navier-Stokes' fills, deeper
    // in more and more the network's; with classicalEdge 0 it is the network's alone.
    void classicalFillsTakeTheHolesEdge() {
        const PConvModel model = PConvModel::create(ModelConfig{}, 3);
        const cv::Mat image = randomImage(128, 128, CV_8UC3, 4);
        cv::Mat holes = cv::Mat::zeros(128, 128, CV_8UC1);
        holes(cv::Rect(40, 40, 40, 40)).setTo(255);
        cv::Mat telea, ns, classical;
        makeClassicalInpainter(Method::Telea)->inpaint(image, holes).convertTo(telea, CV_32FC3);
        makeClassicalInpainter(Method::NavierStokes)->inpaint(image, holes).convertTo(ns, CV_32FC3);
        classical = (telea + ns) / 2;
        PConvInpaintOptions networkOnly;
        networkOnly.classicalEdge = 0;
        cv::Mat mixed, network;
        makePConvInpainter(model)->inpaint(image, holes).convertTo(mixed, CV_32FC3);
        makePConvInpainter(model, networkOnly)->inpaint(image, holes).convertTo(network, CV_32FC3);
        cv::Mat edge = cv::Mat::zeros(128, 128, CV_8UC1), centre = edge.clone();
        cv::rectangle(edge, {40, 40}, {79, 79}, 255, 1);  // the hole's outermost ring: 1 px deep
        centre(cv::Rect(56, 56, 8, 8)).setTo(255);          // 16-20 px deep: 0.3-1 % classical
        QVERIFY(cv::norm(mixed, classical, cv::NORM_INF, edge) <= 1.0);
        QVERIFY(cv::norm(network, classical, cv::NORM_INF, edge) > 10);
        QVERIFY(cv::norm(mixed, network, cv::NORM_INF, centre) <= 2.0);
    }

    // A 90 px square on white or black (45 px deep: within what training saw, beyond the
    // coarse depth) comes out near flat. Filled at full resolution only, its centre was a
    // coloured blob up to 117 levels off; the coarse fill mixed in deep inside fixes that.
    void deepCentreOfAFlatHoleStaysFlat() {
        const PConvModel model = PConvModel::load(PCONV_SOURCE_DIR "/models/default.pconv");
        cv::Mat holes = cv::Mat::zeros(256, 256, CV_8UC1);
        holes(cv::Rect(83, 83, 90, 90)).setTo(255);
        PConvInpaintOptions fullOnly;
        fullOnly.coarseBlendFrom = 0;
        for (int level : {255, 0}) {
            const cv::Mat flat(256, 256, CV_8UC3, cv::Scalar::all(level));
            auto worst = [&](const PConvInpaintOptions& options) { return cv::norm(makePConvInpainter(model, options)->inpaint(flat, holes), flat, cv::NORM_INF); };
            const double mixed = worst({}), full = worst(fullOnly);
            QVERIFY2(mixed < 40 && mixed < full / 2, qPrintable(QString("level %1: worst pixel %2 off (full resolution only: %3)").arg(level).arg(mixed).arg(full)));
        }
    }

    // A hole deeper than the network handles used to send every hole of the image down the
    // coarse path (found by a CLI audit): a thin stroke beside it lost its network fill and
    // --classical-edge did nothing. Each hole now takes the path its own depth calls for.
    void eachHoleTakesThePathOfItsOwnDepth() {
        const PConvModel model = PConvModel::load(PCONV_SOURCE_DIR "/models/default.pconv");
        cv::Mat image(256, 384, CV_8UC3);
        cv::randu(image, cv::Scalar::all(60), cv::Scalar::all(200));
        cv::GaussianBlur(image, image, {0, 0}, 3);
        cv::Mat stroke = cv::Mat::zeros(image.size(), CV_8UC1), both;
        cv::line(stroke, {250, 30}, {360, 220}, 255, 9);
        both = stroke.clone();
        cv::circle(both, {100, 128}, 60, 255, -1);  // about 60 px deep: beyond the 48 px of the network path
        QVERIFY(deepestHoleDepth(both) > PConvInpaintOptions{}.maxHoleDepth);
        const cv::Mat alone = makePConvInpainter(model)->inpaint(image, stroke);
        const cv::Mat beside = makePConvInpainter(model)->inpaint(image, both);
        cv::Mat difference;
        cv::absdiff(alone, beside, difference);
        const double meanOnStroke = cv::mean(difference, stroke)[0];
        QVERIFY2(meanOnStroke < 1.0, qPrintable(QString("the stroke's fill moved by %1 levels beside the deep hole").arg(meanOnStroke)));
        PConvInpaintOptions noEdge;
        noEdge.classicalEdge = 0;
        QVERIFY(cv::norm(makePConvInpainter(model, noEdge)->inpaint(image, both), beside, cv::NORM_INF, stroke) > 0);
    }

    // Known pixels too thin to survive the coarse scale (a 3 px strip, a 1 px frame) still
    // give the fill their colour, not the network's flat grey for an all-hole input.
    void thinKnownAreasStillColourTheFill() {
        const PConvModel model = PConvModel::load(PCONV_SOURCE_DIR "/models/default.pconv");
        const cv::Mat green(200, 300, CV_8UC3, cv::Scalar(40, 160, 60));
        cv::Mat strip(200, 300, CV_8UC1, cv::Scalar(255)), frame(200, 300, CV_8UC1, cv::Scalar(255));
        strip(cv::Rect(150, 0, 3, 200)).setTo(0);
        cv::rectangle(frame, {0, 0}, {299, 199}, 0, 1);
        for (const cv::Mat& holes : {strip, frame}) {
            const cv::Scalar inside = cv::mean(makePConvInpainter(model)->inpaint(green, holes), holes);
            QVERIFY2(inside[1] > inside[0] + 60 && inside[1] > inside[2] + 40,
                     qPrintable(QString("mean fill B %1 G %2 R %3").arg(inside[0]).arg(inside[1]).arg(inside[2])));
        }
    }

    // The self-ensemble's fill is the mean of single-pass fills of the mirrored
    // photo, mirrored back (to 8-bit rounding); a random net is not mirror-symmetric,
    // so the ensemble really differs from one pass.
    void mirrorViewsAverageMirroredFills() {
        ModelConfig config;
        config.depth = 3;
        config.width = 4;
        const PConvModel model = PConvModel::create(config, 5);
        const cv::Mat image = randomImage(40, 72, CV_8UC3, 8);
        const cv::Mat holes = someHoles(40, 72);
        // The network's own fills: the classical edge would be mixed in after the views.
        auto views = [](int count) {
            PConvInpaintOptions options;
            options.mirrorViews = count;
            options.classicalEdge = 0;
            return options;
        };
        const auto single = makePConvInpainter(model, views(1));
        // flipCode 2: no flip (cv::flip's codes are 0, 1 and -1); 40x72 stays a multiple of 8 transposed.
        auto mirroredFill = [&](int flipCode, bool transposed) {
            cv::Mat img = image.clone(), hol = holes.clone(), out;
            if (transposed) {
                cv::transpose(image, img);
                cv::transpose(holes, hol);
            }
            if (flipCode != 2) {
                cv::flip(img, img, flipCode);
                cv::flip(hol, hol, flipCode);
            }
            out = single->inpaint(img, hol);
            if (flipCode != 2) cv::flip(out, out, flipCode);
            if (transposed) cv::transpose(out, out);
            cv::Mat asFloat;
            out.convertTo(asFloat, CV_32FC3);
            return asFloat;
        };
        const cv::Mat one = mirroredFill(2, false), leftRight = mirroredFill(1, false), upDown = mirroredFill(0, false),
                      both = mirroredFill(-1, false);
        const cv::Mat transposed[] = {mirroredFill(2, true), mirroredFill(1, true), mirroredFill(0, true), mirroredFill(-1, true)};

        cv::Mat two, four, eight;
        makePConvInpainter(model, views(2))->inpaint(image, holes).convertTo(two, CV_32FC3);
        makePConvInpainter(model, views(4))->inpaint(image, holes).convertTo(four, CV_32FC3);
        makePConvInpainter(model, views(8))->inpaint(image, holes).convertTo(eight, CV_32FC3);
        // Single fills are clipped to 0..255 before they are averaged, the ensemble's
        // sum only after: compare where no single fill hit either end.
        cv::Mat unclipped = cv::Mat::ones(image.size(), CV_8UC1);
        for (const cv::Mat& fill : {one, leftRight, upDown, both, transposed[0], transposed[1], transposed[2], transposed[3]}) {
            cv::Mat inside;
            cv::inRange(fill, cv::Scalar::all(0.5), cv::Scalar::all(254.5), inside);
            unclipped &= inside;
        }
        QVERIFY(cv::countNonZero(unclipped & holes) > 100);
        QVERIFY(cv::norm(two, (one + leftRight) / 2, cv::NORM_INF, unclipped) <= 1.0);
        QVERIFY(cv::norm(four, (one + leftRight + upDown + both) / 4, cv::NORM_INF, unclipped) <= 1.0);
        const cv::Mat transposedSum = transposed[0] + transposed[1] + transposed[2] + transposed[3];
        QVERIFY(cv::norm(eight, (one + leftRight + upDown + both + transposedSum) / 8, cv::NORM_INF, unclipped) <= 1.0);
        QVERIFY(cv::norm(two, one, cv::NORM_INF) > 2.0);
        QVERIFY(cv::norm(four, two, cv::NORM_INF) > 2.0);
        QVERIFY(cv::norm(eight, four, cv::NORM_INF) > 2.0);
    }

    void mirrorViewsMustBeOneTwoFourOrEight() {
        ModelConfig config;
        config.depth = 2;
        config.width = 4;
        for (int views : {0, 3, 5, 6, 16, -1})
            QVERIFY_THROWS_EXCEPTION(InvalidArgument, makePConvInpainter(PConvModel::create(config, 1), {views}));
        QVERIFY(makePConvInpainter(PConvModel::create(config, 1), {4}) != nullptr);
        QVERIFY(makePConvInpainter(PConvModel::create(config, 1), {8}) != nullptr);
    }

    void methodNamesRoundTrip() {
        for (Method m : {Method::PConv, Method::Telea, Method::NavierStokes}) QCOMPARE(int(*parseMethod(toString(m))), int(m));
        QVERIFY(!parseMethod("lama").has_value());
    }

    void tensorConversionRoundTrip() {
        const cv::Mat image = randomImage(13, 17, CV_8UC3, 2);
        for (auto norm : {InputNormalization::MinusOneToOne, InputNormalization::ImageNet}) {
            const auto tensor = nn::normalizeImage(nn::rgbFloatToTensor(nn::toRgbFloat(image)), norm);
            QCOMPARE(tensor.sizes().vec(), (std::vector<int64_t>{1, 3, 13, 17}));
            const cv::Mat back = nn::rgbFloatToLike(nn::tensorToRgbFloat(tensor, norm), image);
            QVERIFY(identical(back, image));
        }
        // Channel order: a pure blue BGR pixel is channel 2 in the RGB tensor.
        cv::Mat blue(1, 1, CV_8UC3, cv::Scalar(255, 0, 0));
        const auto t = nn::normalizeImage(nn::rgbFloatToTensor(nn::toRgbFloat(blue)), InputNormalization::MinusOneToOne);
        QCOMPARE(t[0][2][0][0].item<float>(), 1.0f);
        QCOMPARE(t[0][0][0][0].item<float>(), -1.0f);
    }
};

QTEST_GUILESS_MAIN(TestInpainter)
#include "test_inpainter.moc"
