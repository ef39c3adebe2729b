// The trainer on a tiny synthetic photo folder: learning, exact resume, pause
// and stop from another thread, fine-tuning, logs, crash-safe checkpoints.
#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/mask_batch.h"
#include "pconv/model.h"
#include "pconv/nn/pconv_unet.h"
#include "pconv/train/trainer.h"

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <csignal>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <numeric>
#include <random>
#include <set>
#include <thread>

using namespace pconv;

namespace {

// Smooth gradients with a few shapes: learnable in a few dozen steps.
void writePhotos(const QString& folder, int count) {
    QDir().mkpath(folder);
    for (int i = 0; i < count; ++i) {
        cv::Mat photo(80, 96, CV_8UC3);
        for (int y = 0; y < photo.rows; ++y)
            for (int x = 0; x < photo.cols; ++x)
                photo.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(40 + i * 30), uchar(x * 2), uchar(y * 3));
        cv::circle(photo, {20 + i * 10, 40}, 12, cv::Scalar(200, 30, 90), -1);
        const QString sub = i % 2 ? "/nested" : "";  // the folder is searched recursively
        QDir().mkpath(folder + sub);
        writeImageAtomic(QString("%1%2/photo%3.png").arg(folder, sub).arg(i).toStdString(), photo);
    }
}

// The most frequent blue value: the photo's background, whatever the crop.
int dominantBlue(const cv::Mat& image) {
    int counts[256] = {};
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x) ++counts[image.at<cv::Vec3b>(y, x)[0]];
    return int(std::max_element(counts, counts + 256) - counts);
}

TrainOptions tinyOptions(const QString& photos, const QString& out) {
    TrainOptions o;
    o.data.photoFolder = photos.toStdString();
    o.data.size = 32;
    o.data.validationFraction = 0.2;
    o.data.validationCropsPerPhoto = 2;
    o.data.holeRatio = {0.05, 0.3};
    o.data.seed = 4;
    o.outFolder = out.toStdString();
    o.model.depth = 3;
    o.model.width = 8;
    o.batch = 2;
    o.steps = 10;
    o.learningRate = 1e-3;
    o.threads = 2;
    o.logEvery = 1;
    o.validateEvery = 0;
    o.checkpointEvery = 1000;
    o.previewEvery = 0;
    return o;
}

double maxWeightDifference(const PConvModel& a, const PConvModel& b) {
    double worst = 0;
    const auto pa = a.network().named_parameters(), pb = b.network().named_parameters();
    for (const auto& item : pa) worst = std::max(worst, (item.value() - pb[item.key()]).abs().max().item<double>());
    const auto ba = a.network().named_buffers(), bb = b.network().named_buffers();
    for (const auto& item : ba)
        if (item.value().is_floating_point()) worst = std::max(worst, (item.value() - bb[item.key()]).abs().max().item<double>());
    return worst;
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString photos;

    TrainingDataOptions photoOptions() const {
        TrainingDataOptions options;
        options.photoFolder = photos.toStdString();
        options.size = 32;
        options.validationFraction = 0.2;
        return options;
    }

private Q_SLOTS:
    void initTestCase() {
        photos = dir.filePath("photos");
        writePhotos(photos, 5);
    }

    // Logs and curves show an optional term only when the run weights it (VGG terms also need VGG weights).
    void optionalLossTermsCountOnlyWhenWeighted() {
        LossWeights weights;  // the paper's weights, SSIM off
        for (const auto& name : lossTermNames()) {
            const bool optional = name == "perceptual" || name == "style_out" || name == "style_comp" || name == "ssim" || name == "hole_l2" ||
                                  name == "psnr";
            QCOMPARE(lossTermUsed(name, weights, false), !optional);
        }
        QVERIFY(lossTermUsed("perceptual", weights, true));
        QVERIFY(lossTermUsed("style_comp", weights, true));
        QVERIFY(!lossTermUsed("ssim", weights, true));
        weights.ssim = 1;
        weights.style = 0;
        QVERIFY(lossTermUsed("ssim", weights, false));
        QVERIFY(!lossTermUsed("style_out", weights, true));
        QVERIFY(lossTermUsed("perceptual", weights, true));
        QVERIFY(!lossTermUsed("hole_l2", weights, false));
        weights.holeL2 = 50;
        QVERIFY(lossTermUsed("hole_l2", weights, false));
        QVERIFY(!lossTermUsed("psnr", weights, false));
        weights.psnr = 0.02;
        QVERIFY(lossTermUsed("psnr", weights, false));
    }

    // Extra training images (--extra-data) join the training set only: the
    // validation split of the main folder stays what it was.
    void extraImagesNeverChangeTheValidationSplit() {
        TrainingDataOptions options = photoOptions();
        const auto without = TrainingPhotos::load(options);
        const QString extra = dir.filePath("extra");
        writePhotos(extra, 3);
        options.extraFolder = extra.toStdString();
        const auto with = TrainingPhotos::load(options);
        QCOMPARE(with->validationPaths, without->validationPaths);
        QCOMPARE(with->train.size(), without->train.size() + 3);
        QCOMPARE(with->extraCount, 3);
        QCOMPARE(without->extraCount, 0);
        for (const auto& path : with->validationPaths) QVERIFY(QString::fromStdString(path).startsWith(photos));
        options.extraFolder = dir.filePath("no-such-folder").toStdString();
        QVERIFY_THROWS_EXCEPTION(pconv::FileError, TrainingPhotos::load(options));
    }

    void samplesArePureAndEpochsVisitEveryPhoto() {
        TrainingDataOptions options = photoOptions();
        const auto loaded = TrainingPhotos::load(options);
        QCOMPARE(int(loaded->train.size()), 4);
        QCOMPARE(int(loaded->validation.size()), 1);
        const SampleMaker maker(loaded, options);
        // Same index, same sample.
        const auto a = maker.trainingSample(7), b = maker.trainingSample(7);
        QCOMPARE(cv::norm(a.image, b.image, cv::NORM_INF), 0.0);
        QCOMPARE(cv::norm(a.holes, b.holes, cv::NORM_INF), 0.0);
        // One epoch = each training photo once (photos differ in their blue channel).
        std::set<int> blues;
        for (int i = 0; i < 4; ++i) blues.insert(dominantBlue(maker.trainingSample(4 + i).image));
        QCOMPARE(int(blues.size()), 4);
        QCOMPARE(maker.trainingSample(0).image.size(), cv::Size(32, 32));
        QCOMPARE(maker.validationCount(), 4);  // 1 photo x 4 crops
    }

    // Colour jitter changes the training crops' colours (same crop, same holes), never the
    // validation set's; and the validation set does not depend on the training seed.
    void colourJitterTouchesTrainingSamplesOnly() {
        TrainingDataOptions plainOptions = photoOptions();
        TrainingDataOptions jitterOptions = plainOptions;
        jitterOptions.colourJitter = 0.3;
        const auto loaded = TrainingPhotos::load(plainOptions);
        const SampleMaker plain(loaded, plainOptions), jittered(loaded, jitterOptions);
        int changed = 0;
        for (int i = 0; i < 8; ++i) {
            const auto a = plain.trainingSample(i), b = jittered.trainingSample(i);
            QCOMPARE(cv::norm(a.holes, b.holes, cv::NORM_INF), 0.0);
            QCOMPARE(cv::norm(b.image, jittered.trainingSample(i).image, cv::NORM_INF), 0.0);  // still a pure function
            if (cv::norm(a.image, b.image, cv::NORM_INF) > 3) ++changed;
            // The image stays the same scene: strongly correlated with the plain crop.
            cv::Mat grayA, grayB, corr;
            cv::cvtColor(a.image, grayA, cv::COLOR_BGR2GRAY);
            cv::cvtColor(b.image, grayB, cv::COLOR_BGR2GRAY);
            cv::matchTemplate(grayA, grayB, corr, cv::TM_CCOEFF_NORMED);
            QVERIFY2(corr.at<float>(0, 0) > 0.8, qPrintable(QString("correlation %1").arg(corr.at<float>(0, 0))));
        }
        QVERIFY(changed >= 6);
        TrainingDataOptions otherSeed = jitterOptions;
        otherSeed.seed = 99;
        const SampleMaker reseeded(loaded, otherSeed);
        for (int i = 0; i < plain.validationCount(); ++i) {
            QCOMPARE(cv::norm(plain.validationSample(i).image, jittered.validationSample(i).image, cv::NORM_INF), 0.0);
            QCOMPARE(cv::norm(plain.validationSample(i).image, reseeded.validationSample(i).image, cv::NORM_INF), 0.0);
            QCOMPARE(cv::norm(plain.validationSample(i).holes, reseeded.validationSample(i).holes, cv::NORM_INF), 0.0);
        }
    }

    // Geometric jitter warps the training crops (same holes, still a pure function of the
    // index), never the validation set; at strength 0 it is the plain crop, pixel for pixel.
    void geometricJitterTouchesTrainingSamplesOnly() {
        TrainingDataOptions plainOptions = photoOptions();
        TrainingDataOptions warpOptions = plainOptions;
        warpOptions.geometricJitter = 1.0;
        const auto loaded = TrainingPhotos::load(plainOptions);
        const SampleMaker plain(loaded, plainOptions), warped(loaded, warpOptions);
        int changed = 0;
        for (int i = 0; i < 8; ++i) {
            const auto a = plain.trainingSample(i), b = warped.trainingSample(i);
            QCOMPARE(cv::norm(a.holes, b.holes, cv::NORM_INF), 0.0);
            QCOMPARE(b.image.size(), a.image.size());
            QCOMPARE(cv::norm(b.image, warped.trainingSample(i).image, cv::NORM_INF), 0.0);
            if (cv::norm(a.image, b.image, cv::NORM_L1) > a.image.total()) ++changed;  // more than 1 level a pixel on average
        }
        QVERIFY(changed >= 6);
        for (int i = 0; i < plain.validationCount(); ++i)
            QCOMPARE(cv::norm(plain.validationSample(i).image, warped.validationSample(i).image, cv::NORM_INF), 0.0);

        cv::Mat photo(300, 400, CV_8UC3);
        cv::randu(photo, 0, 256);
        std::mt19937_64 rng(1);
        const cv::Rect region(50, 40, 128, 128);
        QCOMPARE(cv::norm(warpedCrop(photo, region, 128, 0.0, rng), photo(region), cv::NORM_INF), 0.0);
        // Rotated a quarter of the way at most: a bright square in the middle stays in the middle.
        cv::Mat marked(300, 400, CV_8UC3, cv::Scalar::all(0));
        marked(cv::Rect(104, 94, 20, 20)).setTo(cv::Scalar::all(255));
        for (int k = 0; k < 10; ++k) {
            const cv::Mat out = warpedCrop(marked, region, 128, 1.0, rng);
            cv::Mat gray;
            cv::cvtColor(out, gray, cv::COLOR_BGR2GRAY);
            const cv::Moments m = cv::moments(gray);
            QVERIFY(m.m00 > 0);
            QVERIFY2(std::abs(m.m10 / m.m00 - 64) < 30 && std::abs(m.m01 / m.m00 - 64) < 30, "the centre moved too far");
        }
    }

    void jitterColoursScalesWithinItsStrength() {
        cv::Mat grey(16, 16, CV_8UC3, cv::Scalar(100, 120, 140));
        std::mt19937_64 rng(3);
        double lowest = 2, highest = 0;
        for (int i = 0; i < 20; ++i) {
            cv::Mat image = grey.clone();
            jitterColours(image, 0.2, rng);
            // A flat image: contrast does nothing; brightness times tint is within 0.8 * 0.95 .. 1.2 * 1.05,
            // saturation moves each channel at most 20% of its distance to grey (24 levels here).
            const double green = cv::mean(image)[1] / 120.0;  // green is nearly the grey level
            QVERIFY2(green > 0.74 && green < 1.28, qPrintable(QString::number(green)));
            lowest = std::min(lowest, green);
            highest = std::max(highest, green);
        }
        QVERIFY(highest - lowest > 0.1);  // the draws really differ
        cv::Mat untouched = grey.clone();
        jitterColours(untouched, 0, rng);
        QCOMPARE(cv::norm(untouched, grey, cv::NORM_INF), 0.0);
    }

    void fewStepsLowerTheLoss() {
        TrainOptions o = tinyOptions(photos, dir.filePath("learn"));
        o.steps = 60;
        o.checkpointEvery = 25;
        o.keepSnapshots = true;
        std::vector<double> totals;
        TrainCallbacks callbacks;
        callbacks.onStep = [&](const StepReport& r) { totals.push_back(r.losses.back()); };
        const TrainResult result = Trainer(o).run(callbacks);
        QCOMPARE(result.step, 60);
        QVERIFY(!result.stopped);
        QCOMPARE(int(totals.size()), 60);
        const double first = std::accumulate(totals.begin(), totals.begin() + 10, 0.0) / 10;
        const double last = std::accumulate(totals.end() - 10, totals.end(), 0.0) / 10;
        QVERIFY2(last < first * 0.7, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        // The exported model loads and knows how it was made.
        const PConvModel model = PConvModel::load(result.modelPath);
        QCOMPARE(model.metadata().at("trained_steps"), std::string("60"));
        QCOMPARE(model.config().width, 8);
        // Each checkpoint's model is kept as a snapshot (25, 50 and the final 60).
        for (const char* step : {"25", "50", "60"}) {
            const auto snapshot = PConvModel::load(dir.filePath(QString("learn/snapshots/model-%1.pconv").arg(step)).toStdString());
            QCOMPARE(snapshot.metadata().at("trained_steps"), std::string(step));
        }
    }

    void resumeIsExact() {
        TrainOptions whole = tinyOptions(photos, dir.filePath("whole"));
        whole.steps = 8;
        Trainer(whole).run();

        TrainOptions half = tinyOptions(photos, dir.filePath("halves"));
        half.steps = 4;
        const TrainResult first = Trainer(half).run();
        QCOMPARE(checkpointStep(first.checkpointPath), 4);
        const auto compactPath = dir.filePath("compact-step4.pt").toStdString();  // (used below)
        const auto compactSize = pconv::compactCheckpoint(first.checkpointPath, compactPath);
        const auto fullSize = std::filesystem::file_size(first.checkpointPath);
        QVERIFY2(compactSize < fullSize * 3 / 4 && compactSize > fullSize / 2,
                 qPrintable(QString("%1 bytes against %2").arg(compactSize).arg(fullSize)));
        QCOMPARE(checkpointStep(compactPath), 4);
        // The first half's log as an older version wrote it (no ssim column): resuming
        // must rewrite its rows in the current columns, not leave them shifted.
        QFile oldLog(dir.filePath("halves/log.csv"));
        QVERIFY(oldLog.open(QIODevice::ReadOnly));
        QStringList oldRows = QString(oldLog.readAll()).trimmed().split('\n');
        oldLog.close();
        const int ssimColumn = int(oldRows[0].split(',').indexOf("ssim"));
        QVERIFY(ssimColumn > 0);
        for (auto& row : oldRows) {
            QStringList fields = row.split(',');
            fields.removeAt(ssimColumn);
            row = fields.join(',');
        }
        QVERIFY(oldLog.open(QIODevice::WriteOnly | QIODevice::Truncate));
        oldLog.write((oldRows.join('\n') + '\n').toUtf8());
        oldLog.close();

        half.steps = 8;
        half.resumeCheckpoint = first.checkpointPath;
        const TrainResult second = Trainer(half).run();
        QCOMPARE(second.step, 8);

        const double diff = maxWeightDifference(PConvModel::load(dir.filePath("whole/model.pconv").toStdString()),
                                                PConvModel::load(second.modelPath));
        QVERIFY2(diff < 1e-6, qPrintable(QString("max weight difference %1").arg(diff)));

        // A compacted checkpoint (Adam's moments in bfloat16): a third smaller, and
        // resuming from it lands close to the exact resume.
        TrainOptions fromCompact = tinyOptions(photos, dir.filePath("from-compact"));
        fromCompact.steps = 8;
        fromCompact.resumeCheckpoint = compactPath;
        const TrainResult third = Trainer(fromCompact).run();
        const double compactDiff = maxWeightDifference(PConvModel::load(second.modelPath), PConvModel::load(third.modelPath));
        QVERIFY2(compactDiff > 0 && compactDiff < 1e-3, qPrintable(QString("max weight difference %1").arg(compactDiff)));

        // The log was continued, not restarted: steps 1..8 once each.
        QFile log(dir.filePath("halves/log.csv"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QStringList lines = QString(log.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 9);
        QVERIFY(lines[0].startsWith("step,valid,hole,perceptual,style_out,style_comp,tv,ssim,hole_l2,psnr,total,lr,seconds"));
        QVERIFY(lines[8].startsWith("8,"));
        for (const auto& line : lines) QCOMPARE(line.split(',').size(), 13);
        // The old rows: ssim, hole_l2 and psnr 0, and the total still in its own column (the paper loss is a sum of positive terms).
        const QStringList row1 = lines[1].split(',');
        QCOMPARE(row1[7], QString("0"));
        QCOMPARE(row1[8], QString("0"));
        QCOMPARE(row1[9], QString("0"));
        QVERIFY(row1[10].toDouble() > row1[2].toDouble());
    }

    void pauseAndStopFromAnotherThread() {
        TrainOptions o = tinyOptions(photos, dir.filePath("stop"));
        o.steps = 100000;
        Trainer trainer(o);
        std::atomic<int> steps{0};
        TrainCallbacks callbacks;
        callbacks.onStep = [&](const StepReport& r) { steps = int(r.step); };
        TrainResult result;
        std::thread worker([&] { result = trainer.run(callbacks); });
        QTRY_VERIFY_WITH_TIMEOUT(steps >= 3, 60000);
        trainer.setPaused(true);
        QVERIFY(trainer.isPaused());
        // A step already in flight may still finish; after that, nothing moves.
        int pausedAt = -1;
        for (int i = 0; i < 40 && pausedAt != steps; ++i) {
            pausedAt = steps;
            QTest::qWait(500);
        }
        QCOMPARE(int(steps), pausedAt);
        QTest::qWait(500);
        QCOMPARE(int(steps), pausedAt);
        trainer.setPaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(steps > pausedAt, 60000);
        trainer.requestStop();
        worker.join();
        QVERIFY(result.stopped);
        QVERIFY(result.step < 100000);
        // Stop saved a checkpoint at the step it stopped.
        QCOMPARE(checkpointStep(result.checkpointPath), result.step);

        // Stopped before its first step, a run still leaves a checkpoint to resume from.
        TrainOptions early = tinyOptions(photos, dir.filePath("stop-early"));
        early.steps = 100;
        early.checkpointEvery = 50;
        Trainer stoppedAtOnce(early);
        stoppedAtOnce.requestStop();
        const TrainResult none = stoppedAtOnce.run({});
        QVERIFY(none.stopped);
        QCOMPARE(none.step, std::int64_t{0});
        QCOMPARE(checkpointStep(none.checkpointPath), std::int64_t{0});
    }

    void finetuneFreezesEncoderBatchNorm() {
        TrainOptions base = tinyOptions(photos, dir.filePath("ft_base"));
        base.steps = 5;
        const TrainResult start = Trainer(base).run();
        TrainOptions ft = tinyOptions(photos, dir.filePath("ft"));
        ft.initModel = start.modelPath;
        ft.finetune = true;
        ft.steps = 5;
        const TrainResult tuned = Trainer(ft).run();
        const PConvModel before = PConvModel::load(start.modelPath), after = PConvModel::load(tuned.modelPath);
        const auto b = before.network().named_buffers(), a = after.network().named_buffers();
        bool decoderChanged = false;
        for (const auto& item : b) {
            if (item.key().find("running_mean") == std::string::npos) continue;
            const bool same = torch::equal(item.value(), a[item.key()]);
            if (item.key().rfind("enc", 0) == 0) QVERIFY2(same, item.key().c_str());
            else decoderChanged |= !same;
        }
        QVERIFY(decoderChanged);
        QCOMPARE(after.metadata().at("train_finetune"), std::string("yes"));
    }

    void validationAndPreview() {
        TrainOptions o = tinyOptions(photos, dir.filePath("val"));
        o.steps = 4;
        o.validateEvery = 2;
        o.previewEvery = 2;
        o.checkpointEvery = 1;
        o.keepSnapshots = true;
        std::vector<ValidationReport> reports;
        cv::Mat strip;
        TrainCallbacks callbacks;
        callbacks.onValidation = [&](const ValidationReport& r) { reports.push_back(r); };
        callbacks.onPreview = [&](std::int64_t, const cv::Mat& s) { strip = s; };
        const TrainResult result = Trainer(o).run(callbacks);
        QCOMPARE(int(reports.size()), 2);
        QVERIFY(reports[0].psnr > 5 && reports[0].psnr < 100);
        QVERIFY(reports[0].ssim > -1 && reports[0].ssim <= 1);
        QVERIFY(reports[0].best);
        QVERIFY(QFile::exists(QString::fromStdString(result.bestModelPath)));
        QCOMPARE(strip.type(), CV_8UC3);
        QCOMPARE(strip.cols, 3 * 32);
        QCOMPARE(strip.rows, 32);
        // Each model file says what its own weights scored, where they were validated.
        auto psnrOf = [&](const char* step) {
            return PConvModel::load(dir.filePath(QString("val/snapshots/model-%1.pconv").arg(step)).toStdString()).metadata().at("validation_psnr");
        };
        QCOMPARE(psnrOf("1"), std::string("not validated at this step"));
        QCOMPARE(psnrOf("2"), std::to_string(reports[0].psnr));
        QCOMPARE(psnrOf("4"), std::to_string(reports[1].psnr));
        const auto best = PConvModel::load(result.bestModelPath).metadata();
        QCOMPARE(best.at("validation_psnr"), std::to_string(std::max(reports[0].psnr, reports[1].psnr)));
        QCOMPARE(best.at("validation_psnr"), best.at("best_validation_psnr"));
        // ... and validation.csv keeps every validation, for a resumed run's curve.
        const auto logged = readValidationLog(dir.filePath("val/validation.csv").toStdString(), 100);
        QCOMPARE(int(logged.size()), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(logged[i].step, reports[i].step);
            QVERIFY(std::abs(logged[i].psnr - reports[i].psnr) < 1e-4 && std::abs(logged[i].ssim - reports[i].ssim) < 1e-6);
        }
        QCOMPARE(int(readValidationLog(dir.filePath("val/validation.csv").toStdString(), 3).size()), 1);
        // Resumed into another folder, the run's history and best model come along.
        TrainOptions forked = tinyOptions(photos, dir.filePath("val-fork"));
        forked.resumeCheckpoint = result.checkpointPath;
        forked.steps = 6;
        forked.validateEvery = 2;
        forked.checkpointEvery = 6;
        const TrainResult fork = Trainer(forked).run({});
        QVERIFY(QFile::exists(QString::fromStdString(fork.bestModelPath)));
        const auto forkedValidations = readValidationLog(dir.filePath("val-fork/validation.csv").toStdString(), 100);
        QCOMPARE(int(forkedValidations.size()), 3);
        QCOMPARE(forkedValidations[0].step, std::int64_t{2});
        const auto forkedLog = readTrainingLog(dir.filePath("val-fork/log.csv").toStdString(), 100);
        QVERIFY(!forkedLog.empty());
        QCOMPARE(forkedLog.front().step, readTrainingLog(dir.filePath("val/log.csv").toStdString(), 100).front().step);
        QCOMPARE(forkedLog.back().step, std::int64_t{6});

        // A run that ends between validations (and previews) is validated (and previewed) where it ends.
        TrainOptions shorter = tinyOptions(photos, dir.filePath("val-short"));
        shorter.steps = 3;
        shorter.validateEvery = 10;
        shorter.previewEvery = 10;
        reports.clear();
        strip = cv::Mat();
        const TrainResult ended = Trainer(shorter).run(callbacks);
        QVERIFY(!strip.empty());
        QCOMPARE(int(reports.size()), 1);
        QCOMPARE(reports[0].step, std::int64_t{3});
        QVERIFY(QFile::exists(QString::fromStdString(ended.bestModelPath)));
    }

    // A resume on another validation set (here: another crop size) does not judge "best"
    // against the old set's PSNR; the same set keeps it.
    void bestRestartsWhenTheValidationSetChanges() {
        TrainOptions o = tinyOptions(photos, dir.filePath("best-set"));
        o.steps = 2;
        o.validateEvery = 2;
        Trainer(o).run({});
        std::vector<std::string> notes;
        TrainCallbacks callbacks;
        callbacks.onLog = [&](const std::string& note) { notes.push_back(note); };
        auto restarted = [&] {
            return std::any_of(notes.begin(), notes.end(), [](const std::string& n) { return n.find("validation set is not") != std::string::npos; });
        };
        o.resumeCheckpoint = dir.filePath("best-set/checkpoint.pt").toStdString();
        o.steps = 4;
        Trainer(o).run(callbacks);
        QVERIFY(!restarted());
        o.data.size = 64;
        o.steps = 6;
        Trainer(o).run(callbacks);
        QVERIFY(restarted());
    }

    // Batch 1 with a 1x1 bottleneck would give BatchNorm one value per channel: refused
    // with a way out before any photo is read.
    void batchOfOneAtTheBottleneckIsRefused() {
        TrainOptions o = tinyOptions(photos, dir.filePath("bn-one"));
        o.data.size = 16;
        o.model.depth = 4;
        o.batch = 1;
        QVERIFY_THROWS_EXCEPTION(pconv::InvalidArgument, Trainer(o).run({}));
        QVERIFY(!QFileInfo::exists(dir.filePath("bn-one/checkpoint.pt")));
        o.finetune = true;  // the encoder's BatchNorm frozen: fine
        o.steps = 1;
        Trainer(o).run({});
    }

    void trainsFromSeedMaskedSamples() {
        MaskBatchOptions batch;
        batch.count = 3;
        batch.generator.width = batch.generator.height = 48;
        batch.generator.minUnits = 1;
        batch.generator.maxUnits = 2;
        batch.maskFolder = dir.filePath("sample_masks").toStdString();
        batch.imageFolder = photos.toStdString();
        batch.sampleFolder = dir.filePath("samples").toStdString();
        // Photos in subfolders are not part of the seed's flat layout: only the top level is used.
        generateMaskBatch(batch);

        // Splitting a sample gives back the photo and exactly the holes (the photos are never black).
        const cv::Mat sample = readImage(dir.filePath("samples/photo0_001.png").toStdString());
        const TrainingSample split = splitMaskedSample(sample);
        const cv::Mat holes = readMask(dir.filePath("sample_masks/mask_001.png").toStdString());
        QCOMPARE(cv::norm(split.holes, holes, cv::NORM_INF), 0.0);
        QCOMPARE(split.image.cols, 48);
        // A plain photo is not a sample: its halves differ.
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, splitMaskedSample(readImage((photos + "/photo0.png").toStdString())));

        // The samples of one photo are held out together, never split between training and validation.
        TrainingDataOptions samples;
        samples.sampleFolder = batch.sampleFolder;
        samples.size = 32;
        samples.validationFraction = 0.4;
        const auto loaded = TrainingPhotos::load(samples, {}, {});
        QVERIFY(!loaded->validationPaths.empty() && !loaded->trainPaths.empty());
        auto source = [](const std::string& path) { return QFileInfo(QString::fromStdString(path)).completeBaseName().section('_', 0, -2); };
        QSet<QString> trained;
        for (const auto& path : loaded->trainPaths) trained.insert(source(path));
        for (const auto& path : loaded->validationPaths) QVERIFY2(!trained.contains(source(path)), qPrintable(QString::fromStdString(path)));

        TrainOptions o = tinyOptions(QString(), dir.filePath("from_samples"));
        o.data.photoFolder.clear();
        o.data.sampleFolder = batch.sampleFolder;
        o.steps = 3;
        const TrainResult result = Trainer(o).run();
        QCOMPARE(result.step, 3);
    }

    void badInputs() {
        auto expectError = [](const TrainOptions& o, const QString& text) {
            try {
                Trainer(o).run();
                QFAIL("no error");
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains(text), e.what());
            }
        };
        expectError(tinyOptions(dir.filePath("nowhere"), dir.filePath("o1")), "does not exist");
        QVERIFY(!QFileInfo::exists(dir.filePath("o1")));  // no empty output folder left behind
        QDir().mkpath(dir.filePath("empty"));
        expectError(tinyOptions(dir.filePath("empty"), dir.filePath("o2")), "no photos found");
        TrainOptions o = tinyOptions(photos, dir.filePath("o3"));
        PConvModel::create(o.model).save(dir.filePath("m.pconv").toStdString());
        o.resumeCheckpoint = dir.filePath("m.pconv").toStdString();
        expectError(o, "not a PConv Studio training checkpoint");
        o.resumeCheckpoint = dir.filePath("missing.pt").toStdString();
        expectError(o, "missing.pt");
        o = tinyOptions(photos, dir.filePath("o4"));
        o.batch = 0;
        expectError(o, "batch");
        // A run's checkpoint, models and logs do not go among the photos.
        expectError(tinyOptions(photos, photos), "is the photo folder");
        expectError(tinyOptions(photos, photos + "/"), "is the photo folder");
    }

    // SIGKILL at random moments while checkpoints are written every step: the
    // checkpoint on disk always loads, and resuming continues from it.
    void killedTrainingLeavesLoadableCheckpoint() {
        const QString out = dir.filePath("killed");
        const QStringList args = {"train", "--data", photos, "--out", out, "--size", "32", "--depth", "3", "--width", "8",
                                  "--batch", "2", "--steps", "100000", "--checkpoint-every", "1", "--validate-every", "0",
                                  "--threads", "1"};
        std::mt19937 rng(1);
        std::int64_t lastStep = 0;
        for (int round = 0; round < 4; ++round) {
            QProcess process;
            QStringList roundArgs = args;
            if (QFile::exists(out + "/checkpoint.pt")) roundArgs << "--resume" << out + "/checkpoint.pt";
            process.start(PCONV_CLI_PATH, roundArgs);
            QVERIFY(process.waitForStarted());
            QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out + "/checkpoint.pt") && checkpointStep((out + "/checkpoint.pt").toStdString()) > lastStep, 60000);
            QTest::qWait(int(rng() % 400));
            process.kill();
            process.waitForFinished();
            const std::int64_t step = checkpointStep((out + "/checkpoint.pt").toStdString());
            QVERIFY(step > lastStep);
            lastStep = step;
        }
        const QStringList temps = QDir(out).entryList(QStringList() << "*.tmp*", QDir::Files | QDir::Hidden);
        Q_UNUSED(temps);  // a kill can leave a temporary file; the checkpoint itself is never torn

        // SIGTERM (like Ctrl+C) stops cleanly, saving where it stopped, and the exit code says it was stopped.
        QProcess stopped;
        stopped.start(PCONV_CLI_PATH, QStringList(args) << "--resume" << out + "/checkpoint.pt");
        QVERIFY(stopped.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(checkpointStep((out + "/checkpoint.pt").toStdString()) > lastStep, 60000);
        stopped.terminate();
        QVERIFY(stopped.waitForFinished(60000));
        QCOMPARE(stopped.exitStatus(), QProcess::NormalExit);
        QCOMPARE(stopped.exitCode(), 128 + SIGTERM);
        QVERIFY(QString(stopped.readAllStandardOutput()).contains("Stopped at step"));

        // So does a closed terminal (SIGHUP): hours of training are not lost with an SSH session.
        const std::int64_t beforeHangUp = checkpointStep((out + "/checkpoint.pt").toStdString());
        QProcess hungUp;
        std::signal(SIGHUP, SIG_DFL);  // under nohup the run would inherit SIGHUP ignored, and rightly keep going
        hungUp.start(PCONV_CLI_PATH, QStringList(args) << "--resume" << out + "/checkpoint.pt");
        QVERIFY(hungUp.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(checkpointStep((out + "/checkpoint.pt").toStdString()) > beforeHangUp, 60000);
        ::kill(static_cast<pid_t>(hungUp.processId()), SIGHUP);
        QVERIFY(hungUp.waitForFinished(60000));
        QCOMPARE(hungUp.exitStatus(), QProcess::NormalExit);
        QCOMPARE(hungUp.exitCode(), 128 + SIGHUP);
        QVERIFY(QString(hungUp.readAllStandardOutput()).contains("Stopped at step"));
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
