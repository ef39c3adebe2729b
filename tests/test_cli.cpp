// The `pconv` executable as a user runs it: help, exit codes, one-line errors,
// Telea equal to cv::inpaint, masks written, a PConv model end to end, folders.
#include "pconv/image_io.h"
#include "pconv/mask_generator.h"
#include "pconv/model.h"
#include "test_files.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

using namespace pconv;

namespace {

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run runPconv(const QStringList& args, const QString& defaultModel = QString()) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!defaultModel.isNull()) env.insert("PCONV_DEFAULT_MODEL", defaultModel);
    process.setProcessEnvironment(env);
    process.start(PCONV_CLI_PATH, args);
    process.waitForFinished(300000);
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -100;  // -100: crashed
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

cv::Mat photo(int rows, int cols) {
    cv::Mat image(rows, cols, CV_8UC3);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 255 / cols), uchar(y * 255 / rows), 90);
    cv::circle(image, {cols / 3, rows / 2}, rows / 5, cv::Scalar(20, 220, 240), -1);
    return image;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString path(const QString& name) { return dir.filePath(name); }

    void expectError(const QStringList& args, int code, const QString& text) {
        const Run run = runPconv(args);
        QVERIFY2(run.exitCode == code, qPrintable(QString("exit %1, stderr: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(run.err.contains(text), qPrintable(run.err));
        QCOMPARE(run.err.trimmed().count('\n'), 0);  // one line
    }

private Q_SLOTS:
    void initTestCase() {
        writeImageAtomic(path("photo.png").toStdString(), photo(120, 160));
        cv::Mat holes = cv::Mat::zeros(120, 160, CV_8UC1);
        cv::line(holes, {10, 10}, {150, 100}, 255, 9);
        writeImageAtomic(path("mask.png").toStdString(), holes);
    }

    void help() {
        const Run top = runPconv({"--help"});
        QCOMPARE(top.exitCode, 0);
        QVERIFY(top.out.contains("inpaint") && top.out.contains("masks"));
        for (const char* command : {"inpaint", "masks", "init-model", "info", "average", "compact"}) {
            const Run run = runPconv({command, "--help"});
            QCOMPARE(run.exitCode, 0);
            QVERIFY2(run.out.contains("Usage: pconv " + QString(command)), qPrintable(run.out));
        }
        // Where one of two options is needed, the usage line says so (the required ones alone would not).
        QVERIFY(runPconv({"compact", "--help"}).out.contains("Usage: pconv compact (--model FILE | --checkpoint FILE) --out FILE [options]"));
        QVERIFY(runPconv({"train", "--help"}).out.contains("Usage: pconv train (--data DIR | --samples DIR) --out DIR [options]"));
        QCOMPARE(runPconv({}).exitCode, 2);
    }

    void usageErrors() {
        expectError({"frobnicate"}, 2, "unknown command 'frobnicate'");
        expectError({"inpaint", "--input", "a.png"}, 2, "missing --mask");
        expectError({"inpaint", "--bogus", "1"}, 2, "unknown option '--bogus'");
        expectError({"masks", "--count", "x", "--min-units", "1", "--max-units", "2", "--out-masks", path("m")}, 2, "--count");
        expectError({"masks", "--count", "1", "--min-units", "1", "--max-units", "2", "--size", "2", "--out-masks", path("m")}, 2,
                    "--size must be S or WxH with sides from 16");
        expectError({"masks", "--count", "2", "--min-units", "3", "--max-units", "2", "--out-masks", path("m")}, 2, "--max-units");
        expectError({"masks", "--count", "2", "--min-units", "1", "--max-units", "2", "--out-masks", path("m"), "--hole-ratio", "0.7:0.1"},
                    2, "--hole-ratio");
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("o.png"), "--mirror-views", "3"}, 2,
                    "--mirror-views must be 1, 2, 4 or 8");
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("o.jp2"), "--method", "ns"}, 2,
                    "o.jp2: cannot write results as .jp2: use .png");
        QVERIFY(!QFile::exists(path("o.jp2")));
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("o.png"), "--hd-margin", "0"}, 2,
                    "--hd-margin must be a whole number from 16");
        expectError({"compact", "--model", path("m.pconv"), "--out", path("m.jpg")}, 2, "is an image file name");
        // With --force, a model written under a photo's name would replace the photo.
        expectError({"init-model", "--out", path("photo.png"), "--depth", "3", "--width", "8", "--force"}, 2, "is an image file name");
        expectError({"average", "--out", path("photo.png"), "--force", path("a.pconv"), path("b.pconv")}, 2, "is an image file name");
        expectError({"convert", "--from", path("a.pconv"), "--to", path("photo.png"), "--force"}, 2, "is an image file name");
        // A photo folder that is not there is said first, before the model is described.
        const Run noPhotos = runPconv({"train", "--data", path("no-such-photos"), "--out", path("no-run"), "--steps", "1"});
        QVERIFY2(noPhotos.exitCode == 1 && noPhotos.err.contains("no-such-photos: training photo folder does not exist") &&
                     !noPhotos.out.contains("Model:"),
                 qPrintable(noPhotos.out + noPhotos.err));
        QVERIFY(!QFileInfo::exists(path("no-run")));
        // --log never writes over a file that is not a training log, and a new run not over one that is.
        writeImageAtomic(path("precious.png").toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3)));
        const std::string precious = readBytes(path("precious.png"));
        QDir().mkpath(path("log_photos"));
        for (int i = 0; i < 2; ++i) writeImageAtomic(path(QString("log_photos/p%1.png").arg(i)).toStdString(), photo(64, 64));
        const QStringList tiny = {"train", "--data", path("log_photos"), "--size", "16", "--depth", "2", "--width", "2", "--batch", "2",
                                  "--steps", "1", "--validate-every", "0"};
        expectError(tiny + QStringList{"--out", path("log_run"), "--log", path("precious.png"), "--force"}, 1, "is not a training log");
        QCOMPARE(readBytes(path("precious.png")), precious);
        QCOMPARE(runPconv(tiny + QStringList{"--out", path("log_run"), "--log", path("run_log.csv")}).exitCode, 0);
        expectError(tiny + QStringList{"--out", path("log_run2"), "--log", path("run_log.csv")}, 1, "already holds a training log");
        // Resumed in its folder, the run goes on writing its own --log.
        QCOMPARE(runPconv({"train", "--out", path("log_run"), "--resume", path("log_run/checkpoint.pt"), "--steps", "2"}).exitCode, 0);
        QVERIFY(readBytes(path("run_log.csv")).find("\n2,") != std::string::npos);
        QVERIFY(!QFileInfo::exists(path("log_run/log.csv")));
        // --init fixes depth and norm, and with them the sizes that fit.
        expectError({"train", "--data", path("log_photos"), "--out", path("init_run"), "--init", path("log_run/model.pconv"), "--depth", "3"}, 2,
                    "--depth cannot change the depth of the --init model");
        expectError({"train", "--data", path("log_photos"), "--out", path("init_run"), "--init", path("log_run/model.pconv"), "--size", "18"}, 2,
                    "--size 18 must be a multiple of 2^depth = 4 (the --init model's depth)");
        // A wrong PCONV_DEFAULT_MODEL is the variable's mistake, not a missing shipped model.
        const Run noModel = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("o.png")},
                                     path("no-such-default.pconv"));
        QCOMPARE(noModel.exitCode, 1);
        QVERIFY2(noModel.err.contains("PCONV_DEFAULT_MODEL") && noModel.err.contains("no-such-default.pconv"), qPrintable(noModel.err));
    }

    // A resume takes every setting of the run's that its command line leaves out, and
    // the command line's own win.
    void resumeKeepsTheRunsSettings() {
        QDir().mkpath(path("recipe-photos"));
        for (int i = 0; i < 3; ++i) writeImageAtomic(path("recipe-photos/p%1.png").arg(i).toStdString(), photo(72, 80));
        const Run first = runPconv({"train", "--data", path("recipe-photos"), "--out", path("recipe"), "--depth", "3", "--width", "4", "--size",
                                    "32", "--batch", "2", "--finetune", "--lr", "3e-5", "--colour-jitter", "0.1", "--validate-every", "0",
                                    "--steps", "2", "--threads", "1"});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const Run resumed = runPconv({"train", "--out", path("recipe"), "--resume", path("recipe/checkpoint.pt"), "--steps", "3", "--threads", "1"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains("From the resumed run: --data " + path("recipe-photos") + " --size 32 --batch 2 --lr 3e-5 --finetune"),
                 qPrintable(resumed.err));
        const auto metadata = PConvModel::load(path("recipe/model.pconv").toStdString()).metadata();
        QCOMPARE(QString::fromStdString(metadata.at("train_size")), QString("32"));
        QCOMPARE(QString::fromStdString(metadata.at("train_batch")), QString("2"));
        QCOMPARE(QString::fromStdString(metadata.at("train_finetune")), QString("yes"));
        QCOMPARE(QString::fromStdString(metadata.at("trained_steps")), QString("3"));
        // Given again, a setting changes; the rest still come from the run.
        const Run changed = runPconv({"train", "--out", path("recipe"), "--resume", path("recipe/checkpoint.pt"), "--steps", "4", "--batch", "3",
                                      "--threads", "1"});
        QVERIFY2(changed.exitCode == 0, qPrintable(changed.err));
        const auto after = PConvModel::load(path("recipe/model.pconv").toStdString()).metadata();
        QCOMPARE(QString::fromStdString(after.at("train_batch")), QString("3"));
        QCOMPARE(QString::fromStdString(after.at("train_size")), QString("32"));
        // A flag of the run's is switched off with --no-<flag>.
        const Run unflagged = runPconv({"train", "--out", path("recipe"), "--resume", path("recipe/checkpoint.pt"), "--steps", "5", "--no-finetune",
                                        "--threads", "1"});
        QVERIFY2(unflagged.exitCode == 0 && !unflagged.err.contains("--finetune"), qPrintable(unflagged.err));
        QCOMPARE(QString::fromStdString(PConvModel::load(path("recipe/model.pconv").toStdString()).metadata().at("train_finetune")), QString("no"));
        expectError({"train", "--out", path("recipe"), "--resume", path("recipe/checkpoint.pt"), "--finetune", "--no-finetune"}, 2, "contradict");
        // A resume with nothing left to train leaves the run's model as it was.
        const std::string model = readBytes(path("recipe/model.pconv"));
        const Run idle = runPconv({"train", "--out", path("recipe"), "--resume", path("recipe/checkpoint.pt"), "--steps", "5", "--size", "64"});
        QVERIFY2(idle.exitCode == 0 && idle.err.contains("nothing to train"), qPrintable(idle.err));
        QCOMPARE(readBytes(path("recipe/model.pconv")), model);
        // Into another folder with nothing to train, that folder gets the checkpoint, so a
        // later resume there works.
        const Run elsewhere = runPconv({"train", "--out", path("recipe-copy"), "--resume", path("recipe/checkpoint.pt"), "--steps", "5"});
        QVERIFY2(elsewhere.exitCode == 0, qPrintable(elsewhere.err));
        QVERIFY(QFile::exists(path("recipe-copy/checkpoint.pt")) && QFile::exists(path("recipe-copy/model.pconv")));
        const Run onwards = runPconv({"train", "--out", path("recipe-copy"), "--resume", path("recipe-copy/checkpoint.pt"), "--steps", "6"});
        QVERIFY2(onwards.exitCode == 0, qPrintable(onwards.err));
    }

    // --init with --width widens a model, a narrower width is refused before any
    // training, and --resume keeps the run's width.
    void trainWidthOptions() {
        const Run init = runPconv({"init-model", "--out", path("widen-source.pconv"), "--depth", "3", "--width", "8"});
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        QDir().mkpath(path("narrow-photos"));
        writeImageAtomic(path("narrow-photos/a.png").toStdString(), photo(64, 64));
        expectError({"train", "--data", path("narrow-photos"), "--out", path("narrowed"), "--init", path("widen-source.pconv"), "--width", "4",
                     "--size", "32", "--steps", "1"},
                    2, "--width cannot narrow the --init model");
        QVERIFY(!QFile::exists(path("narrowed/model.pconv")));

        // Resuming with the run's own command line works; with another width it is refused.
        const QStringList run = {"train", "--data", path("narrow-photos"), "--out", path("resumed"), "--depth", "3", "--width", "8",
                                 "--size", "32", "--batch", "1", "--validate-every", "0", "--threads", "1"};
        const Run first = runPconv(run + QStringList{"--steps", "1"});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const Run second = runPconv(run + QStringList{"--steps", "2", "--resume", path("resumed/checkpoint.pt")});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QVERIFY(runPconv({"info", path("resumed/checkpoint.pt")}).out.contains(QRegularExpression("Step:\\s+2\\n")));
        {
            // A damaged checkpoint is reported as a checkpoint, not as a "model file".
            const std::string bytes = readBytes(path("resumed/checkpoint.pt"));
            QFile cut(path("cut/checkpoint.pt"));
            QVERIFY(QDir().mkpath(path("cut")) && cut.open(QIODevice::WriteOnly));
            cut.write(bytes.data(), static_cast<qint64>(bytes.size() / 2));
            cut.close();
            expectError({"info", path("cut/checkpoint.pt")}, 1, "not a readable checkpoint (no zip directory");
        }
        expectError({"compact", "--model", path("resumed/checkpoint.pt"), "--out", path("resumed/half.pconv")}, 1,
                    "is a training checkpoint, not a model file");
        expectError({"compact", "--checkpoint", path("resumed/checkpoint.pt"), "--out", path("resumed/half.pconv")}, 2, "a checkpoint is not a model");
        QStringList widened = run;
        widened[widened.indexOf("--width") + 1] = "16";
        expectError(widened + QStringList{"--steps", "3", "--resume", path("resumed/checkpoint.pt")}, 2, "has width 8");

        // Running the first command again would start over and replace the run: refused without --force.
        const std::string log = readBytes(path("resumed/log.csv"));
        expectError(run + QStringList{"--steps", "1"}, 1, "already holds a training run (checkpoint.pt at step 2)");
        QCOMPARE(readBytes(path("resumed/log.csv")), log);
        const Run over = runPconv(run + QStringList{"--steps", "1", "--force"});
        QVERIFY2(over.exitCode == 0, qPrintable(over.err));
        QVERIFY(runPconv({"info", path("resumed/checkpoint.pt")}).out.contains(QRegularExpression("Step:\\s+1\\n")));
        QStringList deeper = run;
        deeper[deeper.indexOf("--depth") + 1] = "4";
        expectError(deeper + QStringList{"--steps", "3", "--resume", path("resumed/checkpoint.pt")}, 2, "has depth 3");
        expectError(run + QStringList{"--steps", "3", "--epochs", "1", "--force"}, 2, "not both");
        QStringList inside = run;
        inside[inside.indexOf("--out") + 1] = path("narrow-photos/run");
        expectError(inside + QStringList{"--steps", "1"}, 1, "lies in the training folder");
        QVERIFY(!QFileInfo::exists(path("narrow-photos/run")));
    }

    void fileErrorsNameTheFile() {
        expectError({"inpaint", "--input", path("none.png"), "--mask", path("mask.png"), "--output", path("o.png"), "--method", "telea"},
                    1, "none.png");
        writeImageAtomic(path("small_mask.png").toStdString(), cv::Mat(10, 10, CV_8UC1, cv::Scalar(255)));
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("small_mask.png"), "--output", path("o.png"), "--method",
                     "telea"},
                    1, "sizes must match");
        QFile garbage(path("garbage.png"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(100, 'z'));
        garbage.close();
        expectError({"inpaint", "--input", path("garbage.png"), "--mask", path("mask.png"), "--output", path("o.png"), "--method", "ns"}, 1,
                    "garbage.png: cannot decode");
        expectError({"info", "--model", path("garbage.png")}, 1, "garbage.png");
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("result.txt"), "--method", "ns"}, 2,
                    "not an image file name");
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("no-folder/o.png"), "--method", "ns"}, 1,
                    "folder");
        // A tiny image with one hole pixel of nine is no sign of an inverted mask.
        writeImageAtomic(path("tiny.png").toStdString(), cv::Mat(3, 3, CV_8UC3, cv::Scalar(10, 20, 30)));
        cv::Mat oneHole = cv::Mat::zeros(3, 3, CV_8UC1);
        oneHole.at<uchar>(1, 1) = 255;
        writeImageAtomic(path("tiny_mask.png").toStdString(), oneHole);
        const Run tiny = runPconv({"inpaint", "--input", path("tiny.png"), "--mask", path("tiny_mask.png"), "--output", path("tiny_out.png"), "--method", "telea"});
        QVERIFY2(tiny.exitCode == 0 && !tiny.err.contains("inverted"), qPrintable(tiny.err));
        // An existing folder as --output for one image: the result goes in as <stem>.png, never over the input.
        QVERIFY(QDir().mkpath(path("results")));
        const Run intoFolder = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("results"), "--method", "ns"});
        QVERIFY2(intoFolder.exitCode == 0 && QFile::exists(path("results/photo.png")), qPrintable(intoFolder.err));
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", dir.path(), "--method", "ns", "--force"}, 1,
                    "output is the input image");
        QVERIFY(!QFile::exists(path("o.png")));
    }

    void refusesToOverwriteInput() {
        const QByteArray before = [&] { QFile f(path("photo.png")); f.open(QIODevice::ReadOnly); return f.readAll(); }();
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("photo.png"), "--method", "telea"},
                    1, "refusing to overwrite");
        QFile f(path("photo.png"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);

        const std::string mask = readBytes(path("mask.png"));
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("mask.png"), "--method", "telea", "--force"},
                    1, "output is the mask");
        QCOMPARE(readBytes(path("mask.png")), mask);
    }

    void existingResultNeedsForce() {
        writeBytes(path("kept.png"), "an earlier result");
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("kept.png"), "--method", "telea"}, 1,
                    "already exists; pass --force");
        QCOMPARE(readBytes(path("kept.png")), std::string("an earlier result"));
        const Run run = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("kept.png"), "--method",
                                  "telea", "--force"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(readImage(path("kept.png").toStdString()).size(), readImage(path("photo.png").toStdString()).size());
    }

    void outputsNeverReplaceInputs() {
        // One mask for a folder, kept in the output folder under the name a result would take.
        QDir().mkpath(path("own_in"));
        QDir().mkpath(path("own_out"));
        writeImageAtomic(path("own_in/a.jpg").toStdString(), photo(60, 80));
        cv::Mat holes = cv::Mat::zeros(60, 80, CV_8UC1);
        cv::circle(holes, {40, 30}, 8, 255, -1);
        writeImageAtomic(path("own_out/a.png").toStdString(), holes);
        const std::string mask = readBytes(path("own_out/a.png"));
        expectError({"inpaint", "--input", path("own_in"), "--mask", path("own_out/a.png"), "--output", path("own_out"), "--method", "ns", "--force"},
                    1, "would be written over it");
        QCOMPARE(readBytes(path("own_out/a.png")), mask);

        // Model files: writing over an input loses it (compact would round away its 32-bit weights), --force or not.
        QVERIFY(runPconv({"init-model", "--out", path("own_a.pconv"), "--depth", "2", "--width", "2", "--force"}).exitCode == 0);
        QVERIFY(runPconv({"init-model", "--out", path("own_b.pconv"), "--depth", "2", "--width", "2", "--seed", "1", "--force"}).exitCode == 0);
        const std::string model = readBytes(path("own_a.pconv"));
        expectError({"average", "--out", path("own_a.pconv"), path("own_a.pconv"), path("own_b.pconv"), "--force"}, 1, "is also the input");
        expectError({"compact", "--model", path("own_a.pconv"), "--out", path("own_a.pconv"), "--force"}, 1, "is also the input");
        expectError({"convert", "--from", path("own_a.pconv"), "--to", path("own_a.pconv"), "--force"}, 1, "is also the input");
        QCOMPARE(readBytes(path("own_a.pconv")), model);
        // Bare model names are kept whole (a comma is part of the name); one model twice is refused.
        QVERIFY(QFile::copy(path("own_b.pconv"), path("own_b,2.pconv")));
        const Run mean = runPconv({"average", "--out", path("own_mean.pconv"), path("own_a.pconv"), path("own_b,2.pconv")});
        QVERIFY2(mean.exitCode == 0, qPrintable(mean.err));
        expectError({"average", "--out", path("own_mean2.pconv"), path("own_a.pconv"), path("own_a.pconv")}, 2, "is given twice");
        // eval's table is never written over a model, the evaluated one least of all.
        QDir().mkpath(path("own_eval"));
        writeImageAtomic(path("own_eval/a.png").toStdString(), photo(32, 32));
        expectError({"eval", "--images", path("own_eval"), "--generate", "1", "--size", "32", "--method", "pconv", "--model", path("own_a.pconv"),
                     "--report", path("own_a.pconv"), "--force"},
                    2, "is a model file name");
        QCOMPARE(readBytes(path("own_a.pconv")), model);
        // A run writes its model.pconv, best.pconv and checkpoint.pt: never over its --init model.
        QDir().mkpath(path("own_run"));
        QVERIFY(QFile::copy(path("own_a.pconv"), path("own_run/model.pconv")));
        expectError({"train", "--data", path("own_eval"), "--out", path("own_run"), "--init", path("own_run/model.pconv"), "--size", "16",
                     "--steps", "1", "--force"},
                    1, "is the --init model");
        QCOMPARE(readBytes(path("own_run/model.pconv")), model);
    }

    void photoAndMaskFoldersStayApart() {
        QDir().mkpath(path("apart/photos/masks"));
        for (int i = 0; i < 2; ++i) writeImageAtomic(path(QString("apart/photos/p%1.png").arg(i)).toStdString(), photo(64, 64));
        const QStringList tiny = {"train", "--size", "16", "--depth", "2", "--width", "2", "--batch", "2", "--steps", "1", "--validate-every", "0"};
        // The photos given as masks would be all hole; masks inside the photo folder would be trained on as photos.
        expectError(tiny + QStringList{"--data", path("apart/photos"), "--masks", path("apart/photos"), "--out", path("apart/run")}, 1,
                    "lie one in the other");
        expectError(tiny + QStringList{"--data", path("apart/photos"), "--masks", path("apart/photos/masks"), "--out", path("apart/run")}, 1,
                    "lie one in the other");
        // Masks without holes (they validated as "PSNR inf") or all hole are skipped, with a word.
        QDir().mkpath(path("apart/masks"));
        writeImageAtomic(path("apart/masks/black.png").toStdString(), cv::Mat::zeros(32, 32, CV_8UC1));
        const Run noHoles = runPconv(tiny + QStringList{"--data", path("apart/photos"), "--masks", path("apart/masks"), "--out", path("apart/run")});
        QVERIFY2(noHoles.exitCode == 1 && noHoles.err.contains("none of its 1 mask file(s) can be used (the first: " + path("apart/masks/black.png") +
                                                                ": has no holes"),
                 qPrintable(noHoles.err));
        cv::Mat some = cv::Mat::zeros(32, 32, CV_8UC1);
        cv::circle(some, {16, 16}, 6, 255, -1);
        writeImageAtomic(path("apart/masks/some.png").toStdString(), some);
        const Run withMasks = runPconv(tiny + QStringList{"--data", path("apart/photos"), "--masks", path("apart/masks"), "--out", path("apart/run")});
        QVERIFY2(withMasks.exitCode == 0 && withMasks.err.contains("skipping mask " + path("apart/masks/black.png") + ": has no holes"),
                 qPrintable(withMasks.err));
        // A run that never validates (--validate-every 0) trains on every photo, and an epoch is all of them.
        QVERIFY2(withMasks.err.contains("2 training photos, 0 held out"), qPrintable(withMasks.err));
        QStringList epoch = tiny;
        epoch.replace(epoch.indexOf("--steps") + 1, "1");
        epoch.replace(epoch.indexOf("--batch") + 1, "1");
        epoch.replace(epoch.indexOf("--steps"), "--epochs");
        const Run oneEpoch = runPconv(epoch + QStringList{"--data", path("apart/photos"), "--out", path("apart/epoch")});
        QVERIFY2(oneEpoch.exitCode == 0 && oneEpoch.out.contains("Finished at step 2."), qPrintable(oneEpoch.out + oneEpoch.err));
        QVERIFY(QDir(path("apart/masks")).removeRecursively());
        expectError({"masks", "--count", "1", "--hole-ratio", "0.1:0.2", "--size", "32x32", "--images", path("apart/photos"), "--out-images",
                     path("apart/photos/samples"), "--out-masks", path("apart/masks")},
                    1, "lies in the image folder");
        QVERIFY(!QFileInfo::exists(path("apart/photos/samples")) && !QFileInfo::exists(path("apart/masks")));
        // Photos of one name in two subfolders give distinct generated cases, none written over another.
        QDir().mkpath(path("apart/eval/x"));
        QDir().mkpath(path("apart/eval/y"));
        writeImageAtomic(path("apart/eval/x/im.png").toStdString(), photo(40, 40));
        writeImageAtomic(path("apart/eval/y/im.png").toStdString(), photo(40, 40));
        const Run eval = runPconv({"eval", "--images", path("apart/eval"), "--generate", "1", "--size", "32", "--method", "telea", "--out",
                                   path("apart/eval-out")});
        QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
        QCOMPARE(QDir(path("apart/eval-out")).entryList(QDir::Files).size(), 2 * 6 * 3);  // 2 photos x 6 buckets x truth, mask, telea
    }

    void modelMistakesAreNamed() {
        QVERIFY(runPconv({"init-model", "--out", path("named.pconv"), "--depth", "2", "--width", "2", "--force"}).exitCode == 0);
        QVERIFY(runPconv({"convert", "--from", path("named.pconv"), "--to", path("named.pt"), "--force"}).exitCode == 0);
        // A PyTorch export given as a model: say how to turn it into one.
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("named_out.png"), "--model",
                     path("named.pt")},
                    1, "pconv convert --from");
        expectError({"init-model", "--out", path("huge.pconv"), "--width", "1024"}, 2, "--width");
        QVERIFY(!QFile::exists(path("huge.pconv")));
    }

    void noHolesIsAWarning() {
        writeImageAtomic(path("empty_mask.png").toStdString(), cv::Mat::zeros(120, 160, CV_8UC1));
        const Run run = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("empty_mask.png"), "--output", path("unchanged.png"),
                                  "--method", "telea", "--force"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.contains("has no holes"), qPrintable(run.err));
        // Nearly all hole: probably inverted. A JPEG mask: its noise becomes holes.
        cv::Mat inverted(120, 160, CV_8UC1, cv::Scalar(255));
        inverted(cv::Rect(0, 0, 10, 10)).setTo(0);
        writeImageAtomic(path("inverted.jpg").toStdString(), inverted);
        const Run warned = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("inverted.jpg"), "--output", path("inverted_out.png"),
                                     "--method", "telea", "--force"});
        QVERIFY2(warned.exitCode == 0 && warned.err.contains("is the mask inverted?") && warned.err.contains("save masks as PNG"),
                 qPrintable(warned.err));
        QCOMPARE(cv::norm(readImage(path("unchanged.png").toStdString()), readImage(path("photo.png").toStdString()), cv::NORM_INF), 0.0);
        // All hole: nothing to fill from, whatever the method; nothing is written.
        writeImageAtomic(path("all_hole.png").toStdString(), cv::Mat(120, 160, CV_8UC1, cv::Scalar(255)));
        for (const char* method : {"telea", "ns", "pconv"})
            expectError({"inpaint", "--input", path("photo.png"), "--mask", path("all_hole.png"), "--output", path("all_hole_out.png"), "--method",
                         method},
                        1, "all_hole.png: covers all of '" + path("photo.png") + "', so no pixel is left to fill from");
        QVERIFY(!QFile::exists(path("all_hole_out.png")));
    }

    void masksSkipsAnUnreadablePhoto() {
        QDir().mkpath(path("mixed_photos"));
        writeImageAtomic(path("mixed_photos/good.png").toStdString(), photo(40, 40));
        writeBytes(path("mixed_photos/broken.png"), "not a png");
        const Run run = runPconv({"masks", "--count", "2", "--min-units", "1", "--max-units", "2", "--size", "32", "--out-masks",
                                  path("mixed_masks"), "--images", path("mixed_photos"), "--out-images", path("mixed_samples")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("broken.png"), qPrintable(run.err));
        QVERIFY(QFile::exists(path("mixed_samples/good_001.png")));
        QCOMPARE(QDir(path("mixed_samples")).entryList(QDir::Files).size(), 2);
    }

    void optionsThatDoNothingAreNamed() {
        const QStringList base = {"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("unused.png")};
        // Options of another method are warned of, not refused: a script may loop over methods with one set of options.
        Run run = runPconv(base + QStringList{"--method", "telea", "--model", path("any.pconv"), "--mirror-views", "8", "--force"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.contains("--model is ignored: it is for --method pconv only") && run.err.contains("--mirror-views is ignored"),
                 qPrintable(run.err));
        run = runPconv(base + QStringList{"--method", "pconv", "--model", path("own_a.pconv"), "--radius", "5", "--mirror-views", "1", "--force"});
        QVERIFY2(run.exitCode == 0 && run.err.contains("--radius is ignored"), qPrintable(run.err));
        run = runPconv(base + QStringList{"--method", "telea", "--deep-holes-from", "24", "--force"});
        QVERIFY2(run.exitCode == 0 && run.err.contains("--deep-holes-from is ignored"), qPrintable(run.err));
        expectError(base + QStringList{"--deep-holes-from", "2", "--force"}, 2, "--deep-holes-from");
        // So are the big-photo settings of another strategy.
        run = runPconv(base + QStringList{"--method", "ns", "--hd-strategy", "resize", "--hd-margin", "64", "--force"});
        QVERIFY2(run.exitCode == 0 && run.err.contains("--hd-margin is ignored: it is for --hd-strategy crop only"), qPrintable(run.err));
        run = runPconv(base + QStringList{"--method", "ns", "--hd-resize-limit", "600", "--force"});
        QVERIFY2(run.exitCode == 0 && run.err.contains("--hd-resize-limit is ignored: it is for --hd-strategy resize only"), qPrintable(run.err));
        run = runPconv(base + QStringList{"--method", "ns", "--hd-strategy", "resize", "--hd-resize-limit", "600", "--force"});
        QVERIFY2(run.exitCode == 0 && !run.err.contains("ignored"), qPrintable(run.err));
        // --quality with a lossless format is a mistake about the output itself.
        QFile::remove(path("unused.png"));
        expectError(base + QStringList{"--method", "telea", "--quality", "80"}, 2, "--quality is for .jpg and .webp results");
        QVERIFY(!QFile::exists(path("unused.png")));
        // `pconv init-model` takes yes|no like `pconv train`.
        const Run init = runPconv({"init-model", "--out", path("skips.pconv"), "--depth", "2", "--width", "2", "--scale-skips-separately", "yes",
                                   "--force"});
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        // The extra argument of `pconv info FILE EXTRA` is the one named.
        expectError({"info", path("skips.pconv"), "extra-word"}, 2, "unexpected argument 'extra-word'");
        const Run help = runPconv({"help"});
        QVERIFY2(help.exitCode == 0 && help.out.contains("Commands:"), qPrintable(help.err));
        // --finetune on a new network freezes statistics it does not have yet.
        QDir().mkpath(path("ft_photos"));
        for (int i = 0; i < 2; ++i) writeImageAtomic(path(QString("ft_photos/p%1.png").arg(i)).toStdString(), photo(64, 64));
        const Run fresh = runPconv({"train", "--data", path("ft_photos"), "--out", path("ft_run"), "--size", "16", "--depth", "2", "--width", "2",
                                    "--batch", "2", "--steps", "1", "--validate-every", "0", "--finetune"});
        QVERIFY2(fresh.exitCode == 0 && fresh.err.contains("warning: --finetune freezes"), qPrintable(fresh.err));
        const Run noResume = runPconv({"train", "--data", path("ft_photos"), "--out", path("ft_noresume"), "--size", "16", "--depth", "2", "--width",
                                       "2", "--batch", "2", "--steps", "1", "--validate-every", "0", "--no-keep-snapshots"});
        QVERIFY2(noResume.exitCode == 0 && noResume.err.contains("--no-keep-snapshots is ignored"), qPrintable(noResume.err));
        const Run benchMode = runPconv({"bench", "--mode", "train", "--train-size", "16", "--train-depth", "2", "--train-width", "2", "--reps", "1",
                                        "--photo", path("photo.png")});
        QVERIFY2(benchMode.exitCode == 0 && benchMode.err.contains("--photo is ignored: it is for --mode hd only"), qPrintable(benchMode.err));
        const Run smallCache = runPconv({"train", "--data", path("ft_photos"), "--out", path("ft_cache"), "--size", "128", "--depth", "2", "--width",
                                         "2", "--batch", "2", "--steps", "1", "--validate-every", "0", "--cache-side", "64"});
        QVERIFY2(smallCache.exitCode == 0 && smallCache.err.contains("warning: --cache-side 64 keeps photos smaller than the 128 px crops"),
                 qPrintable(smallCache.err));
    }

    void singleImageWithMaskFolder() {
        QDir().mkpath(path("one_masks"));
        cv::Mat holes = cv::Mat::zeros(120, 160, CV_8UC1);
        cv::circle(holes, {80, 60}, 10, 255, -1);
        writeImageAtomic(path("one_masks/photo.png").toStdString(), holes);
        writeImageAtomic(path("one_masks/other.png").toStdString(), cv::Mat::zeros(120, 160, CV_8UC1));
        const Run run = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("one_masks"), "--output", path("by_stem.png"), "--method",
                                  "telea", "--force"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        cv::Mat expected;
        cv::inpaint(readImage(path("photo.png").toStdString()), holes, expected, 3, cv::INPAINT_TELEA);
        QCOMPARE(cv::norm(readImage(path("by_stem.png").toStdString()), expected, cv::NORM_INF), 0.0);
        // The photo's own folder as the mask folder: the photo is not its own mask.
        expectError({"inpaint", "--input", path("photo.png"), "--mask", dir.path(), "--output", path("by_stem.png"), "--method", "telea", "--force"}, 1,
                    "is the photo itself");
        // Two masks of another name are none of this photo's business ...
        writeImageAtomic(path("one_masks/other.bmp").toStdString(), holes);
        const Run besideAClash = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("one_masks"), "--output", path("by_stem.png"),
                                           "--method", "telea", "--force"});
        QVERIFY2(besideAClash.exitCode == 0, qPrintable(besideAClash.err));
        // ... but two masks for this photo's name are refused, not picked by chance.
        writeImageAtomic(path("one_masks/photo.bmp").toStdString(), holes);
        expectError({"inpaint", "--input", path("photo.png"), "--mask", path("one_masks"), "--output", path("by_stem.png"), "--method", "telea",
                     "--force"},
                    1, "'photo.bmp' and 'photo.png' are both masks for " + path("photo.png"));
        // A folder that does not exist yet, named with a trailing slash, is made and takes <stem>.png.
        const Run intoNewFolder = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("new_results") + "/",
                                            "--method", "telea"});
        QVERIFY2(intoNewFolder.exitCode == 0, qPrintable(intoNewFolder.err));
        QVERIFY(QFileInfo(path("new_results/photo.png")).isFile());
    }

    void alphaDroppedByJpegIsAWarning() {
        cv::Mat rgba(40, 40, CV_8UC4, cv::Scalar(30, 60, 90, 200));
        writeImageAtomic(path("rgba.png").toStdString(), rgba);
        cv::Mat holes = cv::Mat::zeros(40, 40, CV_8UC1);
        holes(cv::Rect(10, 10, 8, 8)).setTo(255);
        writeImageAtomic(path("rgba_mask.png").toStdString(), holes);
        Run run = runPconv({"inpaint", "--input", path("rgba.png"), "--mask", path("rgba_mask.png"), "--output", path("rgba_out.jpg"), "--method",
                            "telea", "--force"});
        QVERIFY2(run.exitCode == 0 && run.err.contains("alpha channel"), qPrintable(run.err));
        run = runPconv({"inpaint", "--input", path("rgba.png"), "--mask", path("rgba_mask.png"), "--output", path("rgba_out.png"), "--method",
                        "telea", "--force"});
        QVERIFY2(run.exitCode == 0 && !run.err.contains("alpha"), qPrintable(run.err));
        QCOMPARE(readImage(path("rgba_out.png").toStdString()).channels(), 4);
    }

    void teleaEqualsCvInpaint() {
        const Run run = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("telea.png"),
                               "--method", "telea", "--radius", "5"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        cv::Mat expected;
        cv::inpaint(readImage(path("photo.png").toStdString()), readMask(path("mask.png").toStdString()), expected, 5, cv::INPAINT_TELEA);
        QCOMPARE(cv::norm(readImage(path("telea.png").toStdString()), expected, cv::NORM_INF), 0.0);
    }

    void masksCommandWritesSeedOutputs() {
        QDir().mkpath(path("photos"));
        writeImageAtomic(path("photos/a.png").toStdString(), photo(80, 100));
        const QStringList args = {"masks", "--count", "4", "--min-units", "2", "--max-units", "5", "--size", "128", "--out-masks",
                                  path("gen"), "--images", path("photos"), "--out-images", path("samples"), "--seed", "9"};
        const Run run = runPconv(args);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(QDir(path("gen")).entryList(QDir::Files).size(), 4);
        QCOMPARE(QDir(path("samples")).entryList(QDir::Files).size(), 4);
        const cv::Mat sample = readImage(path("samples/a_003.png").toStdString());
        QCOMPARE(sample.cols, 256);
        QCOMPARE(sample.rows, 128);
        // Deterministic: the same seed writes the same masks.
        const cv::Mat first = readMask(path("gen/mask_002.png").toStdString());
        QCOMPARE(runPconv({"masks", "--count", "4", "--min-units", "2", "--max-units", "5", "--size", "128", "--out-masks", path("gen2"),
                        "--seed", "9"})
                     .exitCode,
                 0);
        QCOMPARE(cv::norm(first, readMask(path("gen2/mask_002.png").toStdString()), cv::NORM_INF), 0.0);
        // A second batch into the same folders is refused unless asked for: it would mix with the first.
        expectError(args, 1, "already holds masks or samples of an earlier batch (mask_000.png");
        // Two photos of one stem: two sets of samples, neither written over the other.
        writeImageAtomic(path("photos/a.jpg").toStdString(), photo(80, 100));
        const Run twins = runPconv({"masks", "--count", "2", "--min-units", "2", "--max-units", "5", "--size", "64", "--out-masks", path("gen_twins"),
                                    "--images", path("photos"), "--out-images", path("samples_twins")});
        QVERIFY2(twins.exitCode == 0 && twins.out.contains("4 masked samples"), qPrintable(twins.out + twins.err));
        QCOMPARE(QDir(path("samples_twins")).entryList(QDir::Files).size(), 4);
        QVERIFY(QFile::exists(path("samples_twins/a-2_001.png")));
        QVERIFY(QFile::remove(path("photos/a.jpg")));
        const Run again = runPconv(args + QStringList{"--force"});
        QVERIFY2(again.exitCode == 0 && !again.err.contains("earlier batch"), "--force writes among them, here over the same names");
        // A smaller batch leaves the first one's other masks beside its own: said, since training would take them too.
        const Run smaller = runPconv({"masks", "--count", "2", "--min-units", "2", "--max-units", "5", "--size", "128", "--out-masks", path("gen"),
                                      "--force"});
        QVERIFY2(smaller.exitCode == 0 && smaller.err.contains("also holds 2 mask(s) of an earlier batch"), qPrintable(smaller.err));
        // A hole-ratio range that lets a mask be empty: written, with a warning.
        const Run empty = runPconv({"masks", "--count", "2", "--hole-ratio", "0:0.0001", "--size", "64", "--out-masks", path("gen_empty")});
        QVERIFY2(empty.exitCode == 0 && empty.err.contains("2 of the 2 masks have no holes"), qPrintable(empty.err));
        // Samples among the photos would be photos to the next run.
        expectError({"masks", "--count", "1", "--min-units", "1", "--max-units", "2", "--size", "64", "--out-masks", path("gen3"), "--images",
                     path("photos"), "--out-images", path("photos")},
                    1, "is the image folder");
        expectError({"masks", "--count", "2", "--min-units", "0", "--max-units", "0", "--out-masks", path("empty")}, 2, "every mask would be empty");

        // Shape counts come from the units or from a hole-ratio target, not both (the units were ignored silently).
        expectError({"masks", "--count", "2", "--min-units", "50", "--max-units", "60", "--size", "64", "--out-masks", path("both"),
                     "--hole-ratio", "0.01:0.05"},
                    2, "do not go together");
        expectError({"masks", "--count", "2", "--size", "64", "--out-masks", path("neither")}, 2, "give --min-units and --max-units");
        QVERIFY(!QFileInfo::exists(path("both")) && !QFileInfo::exists(path("neither")));
        // Samples into the mask folder: a photo named mask.* would write over the masks.
        expectError({"masks", "--count", "1", "--min-units", "1", "--max-units", "2", "--size", "64", "--out-masks", path("gen4"), "--images",
                     path("photos"), "--out-images", path("gen4")},
                    1, "is also the mask folder");
        QCOMPARE(runPconv({"masks", "--count", "2", "--size", "200x100", "--out-masks", path("ratio"), "--hole-ratio", "0.3:0.4"}).exitCode, 0);
        const double ratio = holeRatio(readMask(path("ratio/mask_001.png").toStdString()));
        QVERIFY(ratio >= 0.3 && ratio <= 0.4);
    }

    void pconvEndToEnd() {
        Run run = runPconv({"init-model", "--out", path("tiny.pconv"), "--depth", "4", "--width", "8", "--seed", "3"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        expectError({"init-model", "--out", path("tiny.pconv")}, 1, "already exists");
        // A folder of that name: the real problem at once, not a hint to use --force that cannot help.
        QDir().mkpath(path("a-folder.pconv"));
        expectError({"init-model", "--out", path("a-folder.pconv")}, 1, "a folder has that name");
        run = runPconv({"info", "--model", path("tiny.pconv")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("depth 4, width 8"));
        run = runPconv({"info", path("tiny.pconv")});  // the file alone, as people type it
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("depth 4, width 8"));

        // convert: a .pconv name is always written as a PConv Studio model, never as a PyTorch file.
        run = runPconv({"convert", "--from", path("tiny.pconv"), "--to", path("copy.pconv")});
        QVERIFY2(run.exitCode == 0 && run.out.contains("(pconv)"), qPrintable(run.out + run.err));
        QVERIFY(runPconv({"info", path("copy.pconv")}).out.contains("depth 4, width 8"));
        expectError({"convert", "--from", path("tiny.pconv"), "--to", path("torch.pconv"), "--format", "pytorch"}, 2, "name a PyTorch file .pt");

        // Weight averaging: two models of one architecture, or a clear error.
        QCOMPARE(runPconv({"init-model", "--out", path("tiny2.pconv"), "--depth", "4", "--width", "8", "--seed", "4"}).exitCode, 0);
        QCOMPARE(runPconv({"init-model", "--out", path("wide.pconv"), "--depth", "4", "--width", "16"}).exitCode, 0);
        expectError({"average", "--model", path("tiny.pconv"), "--out", path("avg.pconv")}, 2, "at least two models");
        expectError({"average", "--model", path("tiny.pconv"), "--model", path("wide.pconv"), "--out", path("avg.pconv")}, 1, "wide.pconv");
        QVERIFY(!QFile::exists(path("avg.pconv")));
        run = runPconv({"average", "--out", path("avg.pconv"), path("tiny.pconv"), path("tiny2.pconv")});  // as a glob gives them
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(runPconv({"info", path("avg.pconv")}).out.contains("averaged_models: 2"));

        // 16-bit storage: a smaller file that still loads and says how it is stored.
        expectError({"compact", "--out", path("half.pconv")}, 2, "either --model or --checkpoint");
        run = runPconv({"compact", "--model", path("wide.pconv"), "--out", path("half.pconv")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(QFileInfo(path("half.pconv")).size() < QFileInfo(path("wide.pconv")).size() * 6 / 10);
        QVERIFY(runPconv({"info", path("half.pconv")}).out.contains("weights_stored_as: float16"));
        expectError({"compact", "--model", path("wide.pconv"), "--out", path("half.pconv")}, 1, "already exists");
        expectError({"compact", "--checkpoint", path("wide.pconv"), "--out", path("half.pt")}, 1, "wide.pconv");
        expectError({"compact", "--checkpoint", path("wide.pconv"), "--out", path("half.pt")}, 1, "takes one with --model");

        run = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("pconv.png"), "--model",
                     path("tiny.pconv"), "--threads", "1"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const cv::Mat original = readImage(path("photo.png").toStdString()), result = readImage(path("pconv.png").toStdString());
        const cv::Mat valid = readMask(path("mask.png").toStdString()) == 0;
        cv::Mat diff;
        cv::absdiff(original, result, diff);
        QCOMPARE(cv::norm(diff, cv::NORM_INF, valid), 0.0);

        // Without --model the default model is used.
        run = runPconv({"inpaint", "--input", path("photo.png"), "--mask", path("mask.png"), "--output", path("default.png")},
                       path("tiny.pconv"));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(cv::norm(readImage(path("default.png").toStdString()), result, cv::NORM_INF), 0.0);
    }

    void evalPrintsTable() {
        QDir().mkpath(path("eval_images"));
        QDir().mkpath(path("eval_masks"));
        const double ratios[] = {0.05, 0.15, 0.45};
        for (int i = 0; i < 3; ++i) {
            writeImageAtomic(path(QString("eval_images/case%1.png").arg(i)).toStdString(), photo(64, 64));
            cv::Mat holes = cv::Mat::zeros(64, 64, CV_8UC1);
            holes.rowRange(0, int(ratios[i] * 64 + 0.5)).setTo(255);
            writeImageAtomic(path(QString("eval_masks/case%1.png").arg(i)).toStdString(), holes);
        }
        const Run run = runPconv({"eval", "--images", path("eval_images"), "--masks", path("eval_masks"), "--method", "telea", "--method", "ns",
                                  "--report", path("report.md")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("| hole ratio | n | L1 (%) telea | L1 (%) ns |"), qPrintable(run.out));
        QVERIFY(run.out.contains("| 0.01-0.10 | 1 |") && run.out.contains("| 0.10-0.20 | 1 |") && run.out.contains("| 0.40-0.50 | 1 |"));
        QVERIFY(QFile::exists(path("report.md")));
        // --size and --seed shape generated cases only: with --masks they are said to do nothing.
        const Run ignored = runPconv({"eval", "--images", path("eval_images"), "--masks", path("eval_masks"), "--method", "telea", "--seed", "3"});
        QVERIFY2(ignored.exitCode == 0 && ignored.err.contains("--seed is ignored"), qPrintable(ignored.err));
        QVERIFY2(!ignored.err.contains("sorted order"), qPrintable(ignored.err));  // paired by name: nothing to warn of
        // Paired in sorted order with fewer masks than images: said, not silently reused.
        QDir().mkpath(path("eval_one_mask"));
        QVERIFY(QFile::copy(path("eval_masks/case2.png"), path("eval_one_mask/hole.png")));
        const Run reused = runPconv({"eval", "--images", path("eval_images"), "--masks", path("eval_one_mask"), "--method", "telea"});
        QVERIFY2(reused.exitCode == 0 && reused.err.contains("there are 3 images and 1 masks: masks are reused in turn"), qPrintable(reused.err));
        // Two models side by side: a pconv column each, named after the file.
        for (const char* name : {"first", "second"})
            QCOMPARE(runPconv({"init-model", "--out", path(QString("eval_%1.pconv").arg(name)), "--depth", "2", "--width", "2", "--force"}).exitCode, 0);
        const Run both = runPconv({"eval", "--images", path("eval_images"), "--masks", path("eval_masks"), "--method", "pconv,telea", "--model",
                                   path("eval_first.pconv"), "--model", path("eval_second.pconv")});
        QVERIFY2(both.exitCode == 0, qPrintable(both.err));
        QVERIFY2(both.out.contains("| PSNR (dB) pconv-eval_first | PSNR (dB) pconv-eval_second | PSNR (dB) telea |"), qPrintable(both.out));
        expectError({"eval", "--images", path("eval_images"), "--masks", path("eval_masks"), "--method", "pconv", "--model", path("eval_first.pconv"),
                     "--model", path("eval_first.pconv")},
                    2, "is given twice");
        expectError({"eval", "--images", path("eval_images")}, 2, "--masks DIR or --generate N");
        // A report path that cannot be written is refused before the evaluation runs, not after it.
        const Run bad = runPconv({"eval", "--images", path("eval_images"), "--masks", path("eval_masks"), "--method", "telea", "--report",
                                  path("no-such-folder/report.md")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("no-such-folder") && !bad.out.contains("| hole ratio |"), qPrintable(bad.out + bad.err));

        // An existing report, an image as the report, results inside the test folder: all refused before the run.
        const std::string report = readBytes(path("report.md"));
        const QStringList telea = {"eval", "--images", path("eval_images"), "--masks", path("eval_masks"), "--method", "telea"};
        expectError(telea + QStringList{"--report", path("report.md")}, 1, "already exists; pass --force");
        QCOMPARE(readBytes(path("report.md")), report);
        const std::string image = readBytes(path("eval_images/case0.png"));
        expectError(telea + QStringList{"--report", path("eval_images/case0.png"), "--force"}, 2, "is an image file name");
        QCOMPARE(readBytes(path("eval_images/case0.png")), image);
        expectError(telea + QStringList{"--out", path("eval_images/results")}, 1, "lies in the --images folder");
        QVERIFY(!QFileInfo::exists(path("eval_images/results")));
        // A second run into the same --out folder asks first.
        QCOMPARE(runPconv(telea + QStringList{"--out", path("eval_out")}).exitCode, 0);
        QVERIFY(QFile::exists(path("eval_out/case0_telea.png")) && QFile::exists(path("eval_out/case0_truth.png")));
        expectError(telea + QStringList{"--out", path("eval_out")}, 1, "already holds case0_truth.png");
        QCOMPARE(runPconv(telea + QStringList{"--out", path("eval_out"), "--force"}).exitCode, 0);
        expectError({"eval", "--images", path("eval_images"), "--masks", path("eval_masks"), "--method", "telea,telea"}, 2, "given twice");
        expectError({"eval", "--images", path("photo.png"), "--generate", "1", "--method", "telea"}, 1, "is a file, but the photo folder must be a folder");
    }

    void evalExactResultIsNotInfinite() {
        // A black image: Telea fills it exactly, so that case's PSNR is infinite.
        QDir().mkpath(path("flat_images"));
        QDir().mkpath(path("flat_masks"));
        writeImageAtomic(path("flat_images/flat.png").toStdString(), cv::Mat::zeros(64, 64, CV_8UC3));
        writeImageAtomic(path("flat_images/ramp.png").toStdString(), photo(64, 64));
        cv::Mat holes = cv::Mat::zeros(64, 64, CV_8UC1);
        holes.rowRange(20, 29).setTo(255);  // ratio 0.14 for both
        writeImageAtomic(path("flat_masks/flat.png").toStdString(), holes);
        writeImageAtomic(path("flat_masks/ramp.png").toStdString(), holes);
        const Run run = runPconv({"eval", "--images", path("flat_images"), "--masks", path("flat_masks"), "--method", "telea"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(!run.out.contains("| inf"), qPrintable(run.out));
        QVERIFY2(run.out.contains("| 0.10-0.20 | 2 |") && run.out.contains("1 result(s) equal their truth exactly"), qPrintable(run.out));
    }

    void benchOnATinyNet() {
        QVERIFY(runPconv({"init-model", "--out", path("bench.pconv"), "--depth", "3", "--width", "4", "--force"}).exitCode == 0);
        Run run = runPconv({"bench", "--arch", path("bench.pconv"), "--size", "32", "--reps", "1", "--json"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject forward = QJsonDocument::fromJson(run.out.toUtf8()).object();
        for (const char* key : {"pconv_ms", "plain_ms", "ratio", "peak_rss_mb"}) QVERIFY2(forward.contains(key), key);
        QVERIFY(forward["pconv_ms"].toDouble() > 0 && forward["ratio"].toDouble() > 0);
        run = runPconv({"bench", "--mode", "train", "--train-size", "32", "--train-depth", "3", "--train-width", "4", "--train-batch", "1",
                        "--reps", "1", "--json"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(QJsonDocument::fromJson(run.out.toUtf8()).object()["train_step_ms"].toDouble() > 0);
        expectError({"bench", "--arch", path("bench.pconv"), "--size", "30"}, 2, "multiple of 8");
        expectError({"bench", "--mode", "train", "--train-size", "64"}, 2, "--train-size 64 must be a multiple of 2^depth = 128 (--train-depth 7)");
        // --write-case never writes over its own --photo, nor over an earlier case without --force.
        QDir().mkpath(path("case"));
        writeImageAtomic(path("case/photo12mp.jpg").toStdString(), photo(60, 80));
        const std::string casePhoto = readBytes(path("case/photo12mp.jpg"));
        expectError({"bench", "--mode", "hd", "--photo", path("case/photo12mp.jpg"), "--write-case", path("case"), "--reps", "1", "--force"}, 1,
                    "is also the input");
        QCOMPARE(readBytes(path("case/photo12mp.jpg")), casePhoto);
        expectError({"bench", "--mode", "hd", "--photo", path("photo.png"), "--write-case", path("case"), "--reps", "1"}, 1,
                    "already exists; pass --force");
        QCOMPARE(readBytes(path("case/photo12mp.jpg")), casePhoto);
        // An empty output name is said before any work.
        QDir().mkpath(path("eval_in"));
        writeImageAtomic(path("eval_in/p.png").toStdString(), photo(60, 80));
        expectError({"eval", "--images", path("eval_in"), "--generate", "1", "--size", "16", "--method", "telea", "--report="}, 1,
                    "the file name is empty");
    }

    void folderMode() {
        QDir().mkpath(path("in"));
        QDir().mkpath(path("masks"));
        for (const char* stem : {"one", "two", "three"}) {
            writeImageAtomic(path(QString("in/%1.jpg").arg(stem)).toStdString(), photo(60, 80));
            cv::Mat holes = cv::Mat::zeros(60, 80, CV_8UC1);
            cv::circle(holes, {40, 30}, 8, 255, -1);
            if (QString(stem) != "three") writeImageAtomic(path(QString("masks/%1.png").arg(stem)).toStdString(), holes);
        }
        // A missing mask is reported for that image; the others are done; exit code 1.
        Run run = runPconv({"inpaint", "--input", path("in"), "--mask", path("masks"), "--output", path("out"), "--method", "ns"});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("three.jpg") && run.err.contains("no mask"), qPrintable(run.err));
        QVERIFY(QFile::exists(path("out/one.png")) && QFile::exists(path("out/two.png")) && !QFile::exists(path("out/three.png")));

        // A mask folder with no masks at all: one error, no output folder.
        QDir().mkpath(path("no-masks"));
        expectError({"inpaint", "--input", path("in"), "--mask", path("no-masks"), "--output", path("out_none"), "--method", "ns"}, 1,
                    "holds no mask images");
        QVERIFY(!QFileInfo::exists(path("out_none")));

        // One mask for all images. A photo in a format it cannot read is named, not left out silently.
        QFile gif(path("in/four.gif"));
        QVERIFY(gif.open(QIODevice::WriteOnly));
        gif.write("GIF89a\x01\x00\x01\x00");
        gif.close();
        // A hidden file (macOS's "._one.jpg" resource fork, copied along) is no photo: left out.
        QFile fork(path("in/._one.jpg"));
        QVERIFY(fork.open(QIODevice::WriteOnly));
        fork.write("\x00\x05\x16\x07Mac OS X");
        fork.close();
        run = runPconv({"inpaint", "--input", path("in"), "--mask", path("masks/one.png"), "--output", path("out_all"), "--method", "telea"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.contains("skipping 1 file(s) in formats this program cannot read: four.gif"), qPrintable(run.err));
        expectError({"inpaint", "--input", path("in/four.gif"), "--mask", path("masks/one.png"), "--output", path("four.png"), "--method", "ns"},
                    1, "four.gif: is a GIF image, which this program cannot read");
        QVERIFY(gif.remove());
        QCOMPARE(QDir(path("out_all")).entryList(QDir::Files).size(), 3);

        // A second run into the same folder asks for --force before touching the first run's results.
        const std::string firstResult = readBytes(path("out_all/one.png"));
        expectError({"inpaint", "--input", path("in"), "--mask", path("masks/one.png"), "--output", path("out_all"), "--method", "ns"}, 1,
                    "already holds one.png and 2 more");
        QCOMPARE(readBytes(path("out_all/one.png")), firstResult);
        run = runPconv({"inpaint", "--input", path("in"), "--mask", path("masks/one.png"), "--output", path("out_all"), "--method", "ns", "--force"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(readBytes(path("out_all/one.png")) != firstResult);  // NS fills differently from Telea
        expectError({"inpaint", "--input", path("in"), "--mask", path("masks"), "--output", path("masks"), "--method", "ns", "--force"}, 1,
                    "output folder is the mask folder");

        expectError({"inpaint", "--input", path("in"), "--mask", path("masks"), "--output", path("in"), "--method", "ns"}, 1,
                    "output folder is the input folder");
        expectError({"inpaint", "--input", path("in"), "--mask", path("in"), "--output", path("out_self"), "--method", "ns"}, 1,
                    "every image would be its own mask");
        expectError({"inpaint", "--input", path("in"), "--mask", path("masks/one.png"), "--output", path("result.png"), "--method", "ns"}, 1,
                    "--output must be a folder");
        QVERIFY(!QFileInfo::exists(path("result.png")));

        // one.jpg and one.png would both become one.png: refused before anything is written.
        writeImageAtomic(path("in/one.png").toStdString(), photo(60, 80));
        expectError({"inpaint", "--input", path("in"), "--mask", path("masks/one.png"), "--output", path("out_twice"), "--method", "ns"}, 1,
                    "would both be written as one.png");
        QVERIFY(!QFileInfo::exists(path("out_twice")));

        // A run that writes nothing leaves no empty output folder behind.
        QFile::remove(path("in/one.png"));
        QDir().mkpath(path("unmatched_masks"));
        writeImageAtomic(path("unmatched_masks/zzz.png").toStdString(), cv::Mat::zeros(60, 80, CV_8UC1));
        run = runPconv({"inpaint", "--input", path("in"), "--mask", path("unmatched_masks"), "--output", path("out_none"), "--method", "ns"});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("Inpainted 0 of 3"), qPrintable(run.out));
        QVERIFY(!QFileInfo::exists(path("out_none")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
