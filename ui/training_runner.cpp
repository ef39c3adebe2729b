#include "training_runner.h"

#include "image_convert.h"

#include "pconv/errors.h"

#include <QThread>

namespace pconv::ui {

TrainingRunner::TrainingRunner(QObject* parent) : QObject(parent) {}

TrainingRunner::~TrainingRunner() {
    if (thread_) {
        trainer_->requestStop();
        thread_->wait();
    }
}

bool TrainingRunner::isPaused() const { return trainer_ && trainer_->isPaused(); }

void TrainingRunner::start(const TrainOptions& options) {
    if (thread_) return;
    trainer_ = std::make_shared<Trainer>(options);
    auto trainer = trainer_;
    thread_ = QThread::create([this, trainer] {
        TrainCallbacks callbacks;
        callbacks.onStep = [this](const StepReport& r) {
            Q_EMIT stepReported(r.step, r.totalSteps, QVector<double>(r.losses.begin(), r.losses.end()), r.secondsPerStep, r.etaSeconds);
        };
        callbacks.onValidation = [this](const ValidationReport& r) { Q_EMIT validationReported(r.step, r.l1Percent, r.psnr, r.ssim, r.best); };
        callbacks.onPreview = [this](std::int64_t step, const cv::Mat& strip) { Q_EMIT previewReady(step, toDisplayImage(strip)); };
        callbacks.onLog = [this](const std::string& text) { Q_EMIT logMessage(QString::fromStdString(text)); };
        try {
            const TrainResult result = trainer->run(callbacks);
            Q_EMIT finished(result.stopped, result.step, QString::fromStdString(result.modelPath), QString::fromStdString(result.checkpointPath));
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromStdString(firstLine(e.what())));
        }
    });
    // Signals from the worker thread reach receivers through queued connections.
    connect(thread_, &QThread::finished, this, [this] {
        thread_->deleteLater();
        thread_ = nullptr;
    });
    thread_->start();
    Q_EMIT started();
}

void TrainingRunner::setPaused(bool paused) {
    if (trainer_) trainer_->setPaused(paused);
}

void TrainingRunner::stop() {
    if (trainer_) {
        trainer_->setPaused(false);
        trainer_->requestStop();
    }
}

} // namespace pconv::ui
