// A corpus of bad and unusual inputs, through the CLI and through the editor's open
// and import paths: a clear one-line error naming the file and a non-zero exit for
// the bad ones, success for the unusual-but-valid ones, never a crash, and never an
// existing output overwritten.
#include "main_window.h"

#include "pconv/image_io.h"
#include "pconv/model.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_files.h"

#include <QtTest>

#include <fstream>

using namespace pconv;

namespace {



std::string encode(const cv::Mat& image, const char* ext) {
    std::vector<unsigned char> bytes;
    cv::imencode(ext, image, bytes);
    return {bytes.begin(), bytes.end()};
}

struct Run {
    int code;
    QString err;
};

Run runPconv(const QStringList& args) {
    QProcess process;
    process.start(PCONV_CLI_PATH, args);
    process.waitForFinished(120000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -100, process.readAllStandardError()};
}

} // namespace

class TestBadInputs : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString path(const QString& name) { return dir.filePath(name); }
    // The test model for pconv; nothing for telea, which would warn that --model is not its option.
    QStringList modelFor(const char* method) { return QString(method) == "pconv" ? QStringList{"--model", path("model.pconv")} : QStringList{}; }
    std::string sentinel;

private Q_SLOTS:
    void initTestCase() {
        cv::Mat photo(48, 64, CV_8UC3);
        cv::randu(photo, 0, 255);
        writeImageAtomic(path("good.png").toStdString(), photo);
        cv::Mat holes = cv::Mat::zeros(48, 64, CV_8UC1);
        cv::circle(holes, {30, 20}, 8, 255, -1);
        writeImageAtomic(path("good_mask.png").toStdString(), holes);

        const std::string png = encode(photo, ".png");
        writeBytes(path("zero.png"), "");
        writeBytes(path("garbage.png"), std::string(2048, '\x5a'));
        writeBytes(path("truncated.png"), png.substr(0, png.size() / 2));
        const std::string jpg = encode(photo, ".jpg");
        writeBytes(path("truncated.jpg"), jpg.substr(0, 40));
        std::string huge = png;
        for (int k = 0; k < 4; ++k) huge[16 + k] = huge[20 + k] = static_cast<char>((100000u >> (24 - 8 * k)) & 0xFF);
        writeBytes(path("huge.png"), huge);
        writeImageAtomic(path("mask_other_size.png").toStdString(), cv::Mat(10, 10, CV_8UC1, cv::Scalar(255)));

        // Valid but unusual.
        cv::Mat deep;
        photo.convertTo(deep, CV_16U, 257);
        writeImageAtomic(path("deep16.png").toStdString(), deep);
        cv::Mat gray;
        cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
        writeImageAtomic(path("gray.png").toStdString(), gray);
        cv::Mat rgba;
        cv::cvtColor(photo, rgba, cv::COLOR_BGR2BGRA);
        writeImageAtomic(path("rgba.png").toStdString(), rgba);
        cv::Mat cmyk = readImage(PCONV_SOURCE_DIR "/tests/data/cmyk.jpg");  // JPEG in CMYK, decoded to BGR
        cv::Mat cmykSized;
        cv::resize(cmyk, cmykSized, {64, 48}, 0, 0, cv::INTER_NEAREST);
        QFile::copy(PCONV_SOURCE_DIR "/tests/data/cmyk.jpg", path("cmyk.jpg"));
        cv::Mat greyMask = holes / 2;  // grey values: still holes
        writeImageAtomic(path("grey_mask.png").toStdString(), greyMask);
        cv::Mat smallHoles = cv::Mat::zeros(12, 16, CV_8UC1);
        cv::circle(smallHoles, {8, 6}, 3, 255, -1);
        writeImageAtomic(path("cmyk_mask.png").toStdString(), smallHoles);

        // Models and checkpoints.
        ModelConfig config;
        config.depth = 3;
        config.width = 4;
        PConvModel::create(config).save(path("model.pconv").toStdString());
        const std::string model = readBytes(path("model.pconv"));
        writeBytes(path("empty.pconv"), "");
        writeBytes(path("truncated.pconv"), model.substr(0, model.size() / 2));
        std::string corrupt = model;
        for (size_t i = 100; i < corrupt.size(); i += 97) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5A);
        writeBytes(path("corrupt.pconv"), corrupt);
        writeBytes(path("not_a_model.pconv"), png);

        sentinel = "previous result, must survive";
        writeBytes(path("existing_out.png"), sentinel);
    }

    void badImagesThroughTheCli_data() {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("mask");
        QTest::addColumn<QString>("message");
        QTest::newRow("zero bytes") << "zero.png" << "good_mask.png" << "empty";
        QTest::newRow("garbage") << "garbage.png" << "good_mask.png" << "cannot decode";
        QTest::newRow("truncated png") << "truncated.png" << "good_mask.png" << "truncated PNG";
        QTest::newRow("truncated jpg") << "truncated.jpg" << "good_mask.png" << "truncated JPEG";
        QTest::newRow("huge header") << "huge.png" << "good_mask.png" << "above the limit";
        QTest::newRow("missing") << "missing.png" << "good_mask.png" << "no such file";
        QTest::newRow("mask of another size") << "good.png" << "mask_other_size.png" << "sizes must match";
        QTest::newRow("garbage mask") << "good.png" << "garbage.png" << "cannot decode";
        QTest::newRow("empty input folder") << "empty_folder" << "good_mask.png" << "no images found";
    }
    void badImagesThroughTheCli() {
        QFETCH(QString, image);
        QFETCH(QString, mask);
        QFETCH(QString, message);
        for (const char* method : {"telea", "pconv"}) {
            QDir().mkpath(path("empty_folder"));
            const QString output = image == "empty_folder" ? path("out_folder_unused") : path("existing_out.png");
            // --force: even where overwriting is allowed, a bad input leaves the existing result alone.
            const Run run = runPconv(QStringList{"inpaint", "--input", path(image), "--mask", path(mask), "--output", output, "--method", method,
                                                 "--force"} +
                                     modelFor(method));
            QVERIFY2(run.code == 1 || run.code == 2, qPrintable(QString("exit %1: %2").arg(run.code).arg(run.err)));
            QVERIFY2(run.err.contains(message), qPrintable(run.err));
            QCOMPARE(run.err.trimmed().count('\n'), 0);
            QCOMPARE(readBytes(path("existing_out.png")), sentinel);
        }
    }

    void unusualImagesWork_data() {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("mask");
        QTest::newRow("16-bit") << "deep16.png" << "good_mask.png";
        QTest::newRow("gray") << "gray.png" << "good_mask.png";
        QTest::newRow("rgba") << "rgba.png" << "good_mask.png";
        QTest::newRow("cmyk jpeg") << "cmyk.jpg" << "cmyk_mask.png";
        QTest::newRow("grey-valued mask") << "good.png" << "grey_mask.png";
    }
    void unusualImagesWork() {
        QFETCH(QString, image);
        QFETCH(QString, mask);
        for (const char* method : {"telea", "pconv"}) {
            const QString out = path(QString("out_%1_%2.png").arg(QFileInfo(image).baseName(), method));
            const Run run =
                runPconv(QStringList{"inpaint", "--input", path(image), "--mask", path(mask), "--output", out, "--method", method} + modelFor(method));
            QVERIFY2(run.code == 0, qPrintable(run.err));
            const cv::Mat in = readImage(path(image).toStdString()), result = readImage(out.toStdString());
            QCOMPARE(result.type(), in.type());
            const cv::Mat valid = readMask(path(mask).toStdString()) == 0;
            QCOMPARE(cv::norm(in, result, cv::NORM_INF, valid), 0.0);
        }
    }

    void badModelsAndCheckpoints_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << "empty.pconv" << "empty";
        QTest::newRow("truncated") << "truncated.pconv" << "not a readable model file";
        QTest::newRow("corrupt") << "corrupt.pconv" << "corrupt.pconv";
        QTest::newRow("a png") << "not_a_model.pconv" << "not a readable model file";
        QTest::newRow("missing") << "nowhere.pconv" << "no such";
    }
    void badModelsAndCheckpoints() {
        QFETCH(QString, file);
        QFETCH(QString, message);
        Run run = runPconv({"inpaint", "--input", path("good.png"), "--mask", path("good_mask.png"), "--output", path("existing_out.png"), "--model",
                         path(file), "--force"});
        QVERIFY2(run.code == 1, qPrintable(run.err));
        QVERIFY2(run.err.contains(message) && run.err.contains(file), qPrintable(run.err));
        QCOMPARE(readBytes(path("existing_out.png")), sentinel);
        QDir().mkpath(path("train_data"));
        QFile::copy(path("good.png"), path("train_data/good.png"));
        run = runPconv({"train", "--data", path("train_data"), "--out", path("train_out"), "--resume", path(file), "--steps", "2", "--size", "32"});
        QVERIFY2(run.code == 1, qPrintable(run.err));
        QVERIFY2(run.err.contains(file), qPrintable(run.err));
        run = runPconv({"info", "--model", path(file)});
        QVERIFY2(run.code == 1 && run.err.contains(file), qPrintable(run.err));
    }

    void unwritableOutputs() {
        Run run = runPconv({"inpaint", "--input", path("good.png"), "--mask", path("good_mask.png"), "--output", path("no/such/folder/out.png"),
                         "--method", "telea"});
        QCOMPARE(run.code, 1);
        QVERIFY2(run.err.contains("does not exist"), qPrintable(run.err));
        // A folder as --output takes the result as <stem>.png; where that name is itself a folder, it is said.
        QDir().mkpath(path("a_folder.png/good.png"));
        run = runPconv({"inpaint", "--input", path("good.png"), "--mask", path("good_mask.png"), "--output", path("a_folder.png"), "--method", "telea"});
        QCOMPARE(run.code, 1);
        QVERIFY2(run.err.contains("good.png: is a folder"), qPrintable(run.err));
        run = runPconv({"inpaint", "--input", path("good.png"), "--mask", path("good_mask.png"), "--output", path("out.unknownext"), "--method", "telea"});
        QCOMPARE(run.code, 2);  // a name no image can have: a usage error
        QVERIFY2(run.err.contains("out.unknownext"), qPrintable(run.err));
    }

    void editorOpenAndImportPaths() {
        ui::MainWindow window;
        for (const char* bad : {"zero.png", "garbage.png", "truncated.png", "truncated.jpg", "huge.png", "missing.png"})
            QVERIFY2(!window.openImage(path(bad)), bad);
        QVERIFY(window.photo().empty());
        for (const char* ok : {"deep16.png", "gray.png", "rgba.png", "cmyk.jpg"}) QVERIFY2(window.openImage(path(ok)), ok);
        QVERIFY(window.openImage(path("good.png")));
        for (const char* bad : {"zero.png", "garbage.png", "huge.png"}) QVERIFY2(!window.importMask(path(bad)), bad);
        QVERIFY(window.importMask(path("grey_mask.png")));
        QVERIFY(window.importMask(path("mask_other_size.png")));  // scaled to cover the photo (the CLI refuses it)
        // A failed open keeps what was there.
        QVERIFY(!window.openImage(path("garbage.png")));
        QCOMPARE(window.photo().cols, 64);
        QCOMPARE(window.canvas() != nullptr, true);
    }
};

QTEST_MAIN(TestBadInputs)
#include "test_bad_inputs.moc"
