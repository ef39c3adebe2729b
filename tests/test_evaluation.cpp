// Metrics against hand-computed values, bucket assignment, case pairing, and the table.
#include "pconv/errors.h"
#include "pconv/evaluation.h"
#include "pconv/image_io.h"
#include "pconv/metrics.h"

#include <opencv2/imgproc.hpp>

#include <QtTest>

using namespace pconv;

namespace {

cv::Mat holesWithRatio(int size, double ratio) {
    cv::Mat holes = cv::Mat::zeros(size, size, CV_8UC1);
    const int rows = static_cast<int>(std::lround(ratio * size));
    holes.rowRange(0, rows).setTo(255);
    return holes;
}

} // namespace

class TestEvaluation : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private Q_SLOTS:
    void metricsByHand() {
        const cv::Mat a(16, 16, CV_8UC3, cv::Scalar::all(100)), b(16, 16, CV_8UC3, cv::Scalar::all(110));
        QCOMPARE(meanAbsoluteErrorPercent(a, b), 100.0 * 10 / 255);
        // MSE 100: PSNR = 10 log10(255^2 / 100).
        QVERIFY(std::abs(psnr(a, b) - 10 * std::log10(255.0 * 255.0 / 100.0)) < 1e-9);
        QVERIFY(std::isinf(psnr(a, a)));
        QVERIFY(std::abs(ssim(a, a) - 1.0) < 1e-12);
        // Flat images: the structure term is 1, luminance (2*100*110 + C1) / (100^2 + 110^2 + C1).
        const double c1 = std::pow(0.01 * 255, 2);
        QVERIFY(std::abs(ssim(a, b) - (2 * 100.0 * 110 + c1) / (100.0 * 100 + 110.0 * 110 + c1)) < 1e-9);
        cv::Mat noisy = a.clone();
        cv::randn(noisy, 100, 20);
        QVERIFY(ssim(a, noisy) < 0.5);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, psnr(a, cv::Mat(8, 8, CV_8UC3)));
    }

    void bucketsAndTable() {
        // Three cases in buckets 1, 3 and 6, and one outside all buckets.
        std::vector<EvalCase> cases;
        for (double ratio : {0.05, 0.25, 0.55, 0.9}) {
            EvalCase c;
            c.name = QString::number(ratio).toStdString();
            c.image = cv::Mat(40, 40, CV_8UC3);
            cv::randu(c.image, 0, 255);
            c.holes = holesWithRatio(40, ratio);
            cases.push_back(c);
        }
        const auto telea = std::shared_ptr<const Inpainter>(makeClassicalInpainter(Method::Telea));
        const auto ns = std::shared_ptr<const Inpainter>(makeClassicalInpainter(Method::NavierStokes));
        int calls = 0;
        const EvalReport report = evaluate(cases, {{"telea", telea}, {"ns", ns}}, dir.filePath("results").toStdString(),
                                           [&](int, int total) {
                                               ++calls;
                                               QCOMPARE(total, 8);
                                           });
        QCOMPARE(calls, 8);
        QCOMPARE(report.outsideBuckets, 1);
        QCOMPARE(report.scores[0][0].count, 1);
        QCOMPARE(report.scores[0][1].count, 0);
        QCOMPARE(report.scores[0][2].count, 1);
        QCOMPARE(report.scores[1][5].count, 1);
        // A larger hole costs more.
        QVERIFY(report.scores[0][5].l1Percent > report.scores[0][0].l1Percent);
        // The score is the metric of the written result.
        const cv::Mat written = readImage(dir.filePath("results/0.25_telea.png").toStdString());
        QVERIFY(std::abs(report.scores[0][2].psnr - psnr(cases[1].image, written)) < 1e-9);
        const QString table = QString::fromStdString(report.markdown());
        QVERIFY2(table.contains("| hole ratio | n | L1 (%) telea | L1 (%) ns | PSNR (dB) telea"), qPrintable(table));
        QVERIFY(table.contains("| 0.20-0.30 | 1 |"));
        QVERIFY(table.contains("| 0.10-0.20 | 0 | - |"));
        QVERIFY(table.contains("1 case(s) had a hole ratio outside"));
    }

    void pairingByStemOrOrder() {
        const QString images = dir.filePath("images"), masks = dir.filePath("masks");
        QDir().mkpath(images);
        QDir().mkpath(masks);
        for (const char* stem : {"a", "b"}) {
            writeImageAtomic(QString("%1/%2.png").arg(images, stem).toStdString(), cv::Mat(20, 30, CV_8UC3, cv::Scalar::all(50)));
            writeImageAtomic(QString("%1/%2.png").arg(masks, stem).toStdString(), holesWithRatio(20, stem[0] == 'a' ? 0.1 : 0.5)(cv::Rect(0, 0, 20, 20)));
        }
        // Masks are 20x20, images 20x30: a clear error naming the mask.
        try {
            loadEvalCases(images.toStdString(), masks.toStdString());
            QFAIL("no error");
        } catch (const FileError& e) {
            QVERIFY(QString(e.what()).contains("a.png") && QString(e.what()).contains("20x20"));
        }
        for (const char* stem : {"a", "b"}) {
            cv::Mat holes = cv::Mat::zeros(20, 30, CV_8UC1);
            holes.colRange(0, stem[0] == 'a' ? 3 : 15).setTo(255);
            writeImageAtomic(QString("%1/%2.png").arg(masks, stem).toStdString(), holes);
        }
        const auto cases = loadEvalCases(images.toStdString(), masks.toStdString());
        QCOMPARE(int(cases.size()), 2);
        QCOMPARE(holeRatio(cases[1].holes), 0.5);
        // Two images of one stem in subfolders: distinct case names (so --out files do not collide).
        QDir().mkpath(images + "/more");
        writeImageAtomic((images + "/more/a.png").toStdString(), cv::Mat(20, 30, CV_8UC3, cv::Scalar::all(60)));
        const auto withTwin = loadEvalCases(images.toStdString(), masks.toStdString());
        QCOMPARE(int(withTwin.size()), 3);
        QVERIFY(withTwin[0].name != withTwin[1].name && withTwin[0].name != withTwin[2].name && withTwin[1].name != withTwin[2].name);
        QVERIFY(QDir(images + "/more").removeRecursively());
        // Two masks of one stem: which one is meant is unknown.
        writeImageAtomic((masks + "/a.bmp").toStdString(), cv::Mat::zeros(20, 30, CV_8UC1));
        try {
            loadEvalCases(images.toStdString(), masks.toStdString());
            QFAIL("no error");
        } catch (const FileError& e) {
            QVERIFY2(QString(e.what()).contains("two or more masks named 'a.*'"), e.what());
        }
        QVERIFY(QFile::remove(masks + "/a.bmp"));
        QVERIFY_THROWS_EXCEPTION(FileError, loadEvalCases(images.toStdString(), images.toStdString()));
        // One image with a mask of its name and one without: a missing mask, named, not a pairing in sorted order.
        QVERIFY(QFile::rename(masks + "/b.png", masks + "/c.png"));
        try {
            loadEvalCases(images.toStdString(), masks.toStdString());
            QFAIL("no error");
        } catch (const FileError& e) {
            QVERIFY2(QString(e.what()).contains("b.png") && QString(e.what()).contains("no mask named 'b.*'"), e.what());
        }

        // Generated cases: photos x buckets x N, each in its bucket.
        const auto generated = generateEvalCases(images.toStdString(), 32, 2, 7);
        QCOMPARE(int(generated.size()), 2 * 6 * 2);
        const auto buckets = paperBuckets();
        for (size_t i = 0; i < generated.size(); ++i) {
            const double ratio = holeRatio(generated[i].holes);
            const auto& b = buckets[(i / 2) % 6];
            QVERIFY2(ratio >= b.low && ratio <= b.high, qPrintable(QString::number(ratio)));
            QCOMPARE(generated[i].image.size(), cv::Size(32, 32));
            // The 20x30 photos are narrower than 32 px: every crop was upscaled, and says so.
            QVERIFY(generated[i].upscaled);
            QVERIFY(QString::fromStdString(generated[i].sourcePhoto).startsWith(images));
        }
        for (const auto& c : generateEvalCases(images.toStdString(), 16, 1, 7)) QVERIFY(!c.upscaled);
    }
};

QTEST_GUILESS_MAIN(TestEvaluation)
#include "test_evaluation.moc"
