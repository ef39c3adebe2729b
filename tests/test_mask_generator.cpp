// The seed-style mask generator: determinism, unit counts, ratio targeting,
// scaling with size, and the batch writer.
#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/mask_batch.h"
#include "pconv/mask_generator.h"

#include <QtTest>

#include <algorithm>
#include <random>
#include <set>

using namespace pconv;

class TestMaskGenerator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameMask() {
        MaskGeneratorOptions options;
        const auto a = generateMask(options, 17), b = generateMask(options, 17), c = generateMask(options, 18);
        QCOMPARE(cv::norm(a.holes, b.holes, cv::NORM_INF), 0.0);
        QVERIFY(cv::norm(a.holes, c.holes, cv::NORM_INF) > 0);
    }

    void formatIsBinaryAndSized() {
        MaskGeneratorOptions options;
        options.width = 300;
        options.height = 200;
        const auto mask = generateMask(options, 1);
        QCOMPARE(mask.holes.type(), CV_8UC1);
        QCOMPARE(mask.holes.cols, 300);
        QCOMPARE(mask.holes.rows, 200);
        QCOMPARE(cv::countNonZero(mask.holes) + cv::countNonZero(mask.holes == 0), 300 * 200);
        QCOMPARE(cv::countNonZero((mask.holes != 0) & (mask.holes != 255)), 0);
    }

    void unitCountsWithinRange_data() {
        QTest::addColumn<int>("minUnits");
        QTest::addColumn<int>("maxUnits");
        QTest::newRow("5-12") << 5 << 12;
        QTest::newRow("3-3") << 3 << 3;
        QTest::newRow("0-2") << 0 << 2;
    }
    void unitCountsWithinRange() {
        QFETCH(int, minUnits);
        QFETCH(int, maxUnits);
        MaskGeneratorOptions options;
        options.minUnits = minUnits;
        options.maxUnits = maxUnits;
        std::set<int> seen;
        for (std::uint64_t seed = 0; seed < 40; ++seed) {
            const auto m = generateMask(options, seed);
            for (int n : {m.lines, m.rectangles, m.ellipses, m.circles}) {
                QVERIFY(n >= minUnits && n <= maxUnits);
                seen.insert(n);
            }
        }
        // Both ends of the range are drawn.
        QVERIFY(seen.count(minUnits) && seen.count(maxUnits));
    }

    void zeroUnitsGivesEmptyMask() {
        MaskGeneratorOptions options;
        options.minUnits = options.maxUnits = 0;
        QCOMPARE(cv::countNonZero(generateMask(options, 3).holes), 0);
    }

    // The paper's test buckets, plus sizes other than 512.
    void holeRatioTargeting_data() {
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        QTest::addColumn<int>("size");
        const double buckets[][2] = {{0.01, 0.1}, {0.1, 0.2}, {0.2, 0.3}, {0.3, 0.4}, {0.4, 0.5}, {0.5, 0.6}};
        for (auto& b : buckets)
            for (int size : {512, 256})
                QTest::addRow("%.2f-%.2f@%d", b[0], b[1], size) << b[0] << b[1] << size;
        QTest::newRow("narrow@128") << 0.25 << 0.26 << 128;
    }
    void holeRatioTargeting() {
        QFETCH(double, low);
        QFETCH(double, high);
        QFETCH(int, size);
        MaskGeneratorOptions options;
        options.width = options.height = size;
        options.holeRatio = HoleRatioRange{low, high};
        for (std::uint64_t seed = 0; seed < 5; ++seed) {
            const double ratio = holeRatio(generateMask(options, seed).holes);
            QVERIFY2(ratio >= low && ratio <= high, qPrintable(QString("seed %1: ratio %2").arg(seed).arg(ratio)));
        }
    }

    // Thickness scales with size: a 2048 mask has about the same hole ratio as a 512 one.
    void strokesScaleWithSize() {
        double small = 0, large = 0;
        MaskGeneratorOptions options;
        for (std::uint64_t seed = 0; seed < 10; ++seed) {
            options.width = options.height = 512;
            small += holeRatio(generateMask(options, seed).holes);
            options.width = options.height = 2048;
            large += holeRatio(generateMask(options, seed).holes);
        }
        QVERIFY2(std::abs(small - large) / small < 0.15, qPrintable(QString("%1 vs %2").arg(small / 10).arg(large / 10)));
    }

    // A range asks for masks across it: 0.01-0.6 must not give 1-6 % holes every time
    // (generateMask alone stops at the range's low end), in the batch as in training.
    void ratioRangeIsSpreadAcrossItsWidth() {
        QTemporaryDir dir;
        MaskBatchOptions options;
        options.count = 30;
        options.generator.width = options.generator.height = 128;
        options.generator.holeRatio = HoleRatioRange{0.01, 0.6};
        options.maskFolder = dir.filePath("masks").toStdString();
        QCOMPARE(generateMaskBatch(options, {}).masksWritten, 30);
        std::vector<double> ratios;
        for (const QString& name : QDir(dir.filePath("masks")).entryList(QDir::Files))
            ratios.push_back(holeRatio(readMask(dir.filePath("masks/" + name).toStdString())));
        QCOMPARE(ratios.size(), size_t(30));
        std::sort(ratios.begin(), ratios.end());
        QVERIFY2(ratios.front() >= 0.01 && ratios.back() <= 0.6, qPrintable(QString("%1..%2").arg(ratios.front()).arg(ratios.back())));
        const int below = static_cast<int>(std::count_if(ratios.begin(), ratios.end(), [](double r) { return r < 0.2; }));
        const int above = static_cast<int>(std::count_if(ratios.begin(), ratios.end(), [](double r) { return r > 0.4; }));
        QVERIFY2(below >= 5 && above >= 5, qPrintable(QString("%1 below 0.2, %2 above 0.4").arg(below).arg(above)));

        // A range narrower than the window is kept as it is.
        MaskGeneratorOptions narrow;
        narrow.width = narrow.height = 128;
        narrow.holeRatio = HoleRatioRange{0.25, 0.26};
        std::mt19937_64 rng(3);
        const double ratio = holeRatio(generateMaskAcrossRange(narrow, rng).holes);
        QVERIFY2(ratio >= 0.25 && ratio <= 0.26, qPrintable(QString::number(ratio)));
    }

    void badOptionsThrow() {
        MaskGeneratorOptions options;
        options.width = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, generateMask(options, 0));
        options = {};
        options.minUnits = 5;
        options.maxUnits = 2;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, generateMask(options, 0));
        options = {};
        options.holeRatio = HoleRatioRange{0.6, 0.5};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, generateMask(options, 0));
    }

    void parseRatio() {
        const auto r = parseHoleRatioRange("0.1:0.25");
        QCOMPARE(r.low, 0.1);
        QCOMPARE(r.high, 0.25);
        for (const char* bad : {"0.1", "a:b", "0.5:0.1", "0.1:1.5", "-0.1:0.2", "0.1:0.2x", "1:1"})
            QVERIFY_THROWS_EXCEPTION(InvalidArgument, parseHoleRatioRange(bad));
    }

    void batchWritesMasksAndSamples() {
        QTemporaryDir dir;
        const QString photos = dir.filePath("photos");
        QDir().mkpath(photos);
        cv::Mat photo(90, 160, CV_8UC3, cv::Scalar(10, 200, 30));
        writeImageAtomic((photos + "/beach.jpg").toStdString(), photo);
        writeImageAtomic((photos + "/hill.png").toStdString(), photo);

        MaskBatchOptions options;
        options.count = 3;
        options.generator.width = options.generator.height = 64;
        options.generator.minUnits = 1;
        options.generator.maxUnits = 3;
        options.seed = 5;
        options.maskFolder = dir.filePath("masks").toStdString();
        options.imageFolder = photos.toStdString();
        options.sampleFolder = dir.filePath("samples").toStdString();
        int lastDone = 0, lastTotal = 0;
        const auto result = generateMaskBatch(options, [&](int done, int total) {
            lastDone = done;
            lastTotal = total;
        });
        QCOMPARE(result.masksWritten, 3);
        QCOMPARE(result.samplesWritten, 6);
        QCOMPARE(lastDone, 9);
        QCOMPARE(lastTotal, 9);
        QCOMPARE(QDir(dir.filePath("masks")).entryList(QDir::Files).size(), 3);
        QVERIFY(QFile::exists(dir.filePath("samples/beach_002.png")));

        const cv::Mat mask = readMask(dir.filePath("masks/mask_001.png").toStdString());
        std::mt19937_64 maskRng(batchMaskSeed(5, 1));
        QCOMPARE(cv::norm(mask, generateMaskAcrossRange(options.generator, maskRng).holes, cv::NORM_INF), 0.0);
        const cv::Mat sample = readImage(dir.filePath("samples/hill_001.png").toStdString());
        QCOMPARE(sample.cols, 128);
        QCOMPARE(sample.rows, 64);
        // Right half: photo with holes black; left half: the photo.
        const cv::Mat right = sample(cv::Rect(64, 0, 64, 64));
        QCOMPARE(cv::norm(right, cv::NORM_INF, mask), 0.0);
        QCOMPARE(cv::countNonZero(mask) < 64 * 64, true);
        QVERIFY(cv::mean(sample(cv::Rect(0, 0, 64, 64)))[1] > 190);

        // A photo with alpha: its holes are opaque black, not transparent, at 8 and 16 bits.
        for (const int type : {CV_8UC4, CV_16UC4}) {
            const double full = type == CV_8UC4 ? 255 : 65535;
            const cv::Mat rgba(64, 64, type, cv::Scalar(full / 2, full / 3, full / 4, full / 2));
            const cv::Mat masked = maskedSample(rgba, mask)(cv::Rect(64, 0, 64, 64));
            std::vector<cv::Mat> channels;
            cv::split(masked, channels);
            for (int c = 0; c < 3; ++c) QCOMPARE(cv::norm(channels[c], cv::NORM_INF, mask), 0.0);
            cv::Mat alphaInHoles;
            channels[3].copyTo(alphaInHoles, mask);
            QCOMPARE(cv::countNonZero(alphaInHoles == full), cv::countNonZero(mask));
            QCOMPARE(cv::norm(masked, rgba, cv::NORM_INF, ~mask > 0), 0.0);  // and the rest as it was
        }
    }

    // A batch refused for its image folder (missing, empty, or the same as an output)
    // leaves no output folder behind.
    void refusedBatchCreatesNothing() {
        QTemporaryDir dir;
        QDir().mkpath(dir.filePath("empty"));
        MaskBatchOptions options;
        options.count = 2;
        options.generator.width = options.generator.height = 32;
        options.maskFolder = dir.filePath("masks").toStdString();
        options.sampleFolder = dir.filePath("samples").toStdString();
        for (const QString& images : {dir.filePath("missing"), dir.filePath("empty")}) {
            options.imageFolder = images.toStdString();
            QVERIFY_THROWS_EXCEPTION(FileError, generateMaskBatch(options));
            QVERIFY(!QFileInfo::exists(dir.filePath("masks")));
            QVERIFY(!QFileInfo::exists(dir.filePath("samples")));
        }
    }

    void batchCancels() {
        QTemporaryDir dir;
        MaskBatchOptions options;
        options.count = 50;
        options.generator.width = options.generator.height = 32;
        options.maskFolder = dir.filePath("m").toStdString();
        std::atomic<bool> cancel{false};
        const auto result = generateMaskBatch(options, [&](int done, int) { cancel = done >= 4; }, &cancel);
        QVERIFY(result.cancelled);
        QCOMPARE(result.masksWritten, 4);
    }
};

QTEST_GUILESS_MAIN(TestMaskGenerator)
#include "test_mask_generator.moc"
