#pragma once
// Runs core's Trainer on a worker thread and turns its callbacks into Qt signals
// (queued to the GUI thread). Exceptions become failed(message).
#include "pconv/train/trainer.h"

#include <QImage>
#include <QObject>
#include <QString>
#include <QVector>

#include <memory>

class QThread;

namespace pconv::ui {

class TrainingRunner : public QObject {
    Q_OBJECT
public:
    explicit TrainingRunner(QObject* parent = nullptr);
    ~TrainingRunner() override;  // stops a running training and waits for its checkpoint

    bool isRunning() const { return thread_ != nullptr; }
    bool isPaused() const;

public Q_SLOTS:
    void start(const pconv::TrainOptions& options);
    void setPaused(bool paused);
    void stop();  // the trainer saves a checkpoint, then finished() follows

Q_SIGNALS:
    void started();
    void stepReported(qint64 step, qint64 totalSteps, const QVector<double>& losses, double secondsPerStep, double etaSeconds);
    void validationReported(qint64 step, double l1Percent, double psnr, double ssim, bool best);
    void previewReady(qint64 step, const QImage& strip);
    void logMessage(const QString& text);
    void finished(bool stopped, qint64 step, const QString& modelPath, const QString& checkpointPath);
    void failed(const QString& message);

private:
    QThread* thread_ = nullptr;
    std::shared_ptr<Trainer> trainer_;
};

} // namespace pconv::ui
