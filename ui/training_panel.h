#pragma once
// The Training panel: pick a photo folder, an output folder and (optionally) VGG16
// weights and a model to start from; set size, batch, steps, learning rate and
// fine-tuning, and under "More settings" the data and loss options of `pconv train`
// (extra images, hole masks, hole ratios, colour and geometric jitter, the
// full-resolution stem, the SSIM term, validation share, seed); Start, Pause, Stop; live loss and validation-PSNR curves, a preview
// strip (masked input | output | ground truth) and the ETA. "Use this model" hands
// the trained model to the editor.
#include "pconv/train/trainer.h"

#include <QString>
#include <QWidget>

#include <optional>
#include <utility>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSettings;
class QSpinBox;
class QToolButton;

class QChart;
class QLineSeries;
class QValueAxis;

class QDir;

namespace pconv::ui {

class TrainingRunner;

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget* parent = nullptr);
    ~TrainingPanel() override;

    TrainingRunner* runner() const { return runner_; }
    QLineEdit* dataFolderEdit() const { return dataFolder_; }
    QLineEdit* outFolderEdit() const { return outFolder_; }
    QLineEdit* vggFileEdit() const { return vggFile_; }
    QLineEdit* initModelEdit() const { return initModel_; }
    QSpinBox* sizeBox() const { return size_; }
    QSpinBox* batchBox() const { return batch_; }
    QSpinBox* stepsBox() const { return steps_; }
    QSpinBox* depthBox() const { return depth_; }
    QSpinBox* widthBox() const { return width_; }
    QDoubleSpinBox* learningRateBox() const { return learningRate_; }
    QCheckBox* finetuneCheck() const { return finetune_; }
    QCheckBox* resumeCheck() const { return resume_; }
    QToolButton* moreSettingsButton() const { return moreSettings_; }
    QLineEdit* extraFolderEdit() const { return extraFolder_; }
    QLineEdit* maskFolderEdit() const { return maskFolder_; }
    QDoubleSpinBox* holeRatioLowBox() const { return holeRatioLow_; }
    QDoubleSpinBox* holeRatioHighBox() const { return holeRatioHigh_; }
    QDoubleSpinBox* colourJitterBox() const { return colourJitter_; }
    QDoubleSpinBox* geometricJitterBox() const { return geometricJitter_; }
    QSpinBox* stemChannelsBox() const { return stemChannels_; }
    QDoubleSpinBox* ssimWeightBox() const { return ssimWeight_; }
    QDoubleSpinBox* validationFractionBox() const { return validationFraction_; }
    QSpinBox* seedBox() const { return seed_; }
    // The run Start would begin with the current settings (before the resume check).
    TrainOptions options() const;
    QLabel* statusLabel() const { return eta_; }  // progress, ETA, or why Start did not start
    QPushButton* startButton() const { return start_; }
    QPushButton* pauseButton() const { return pause_; }
    QPushButton* stopButton() const { return stop_; }
    QPushButton* useModelButton() const { return useModel_; }
    QPushButton* defaultModelButton() const { return defaultModelButton_; }  // fills "Start from" with the shipped model
    int plottedPoints() const;  // points on the total-loss curve
    int plottedValidationPoints() const;  // points on the validation PSNR curve

public Q_SLOTS:
    void startTraining();

Q_SIGNALS:
    void useModelRequested(const QString& modelPath);

private:
    void onStep(qint64 step, qint64 total, const QVector<double>& losses, double secondsPerStep, double eta);
    void onValidation(qint64 step, double l1, double psnr, double ssim, bool best);
    void showRunCurves(const QDir& folder, std::optional<qint64> upToStep, qint64 totalSteps);
    void plotValidation(qint64 step, double psnr);
    void describeValidation(const ValidationReport& report);
    void plotLosses(qint64 step, const QVector<double>& losses);
    void spanLosses();
    void spanSteps(qint64 reached, qint64 total);
    void onFinished(bool stopped, qint64 step, const QString& modelPath);
    void createMoreSettings(const QSettings& settings);
    void setRunning(bool running);
    void clearPreview();
    // The network of the model in "Start from" (read once per path); none when it is empty
    // or unreadable.
    std::optional<ModelConfig> startFromNetwork();
    void showResumedRun();  // Resume ticked and a checkpoint in the output folder: its settings, and its depth, width, stem locked
    RunSettings runSettings() const;
    void showRunSettings(const RunSettings& settings);
    void saveSettings() const;
    void showLossTerms(const LossWeights& weights, bool withVgg);

    TrainingRunner* runner_;
    QLineEdit *dataFolder_, *outFolder_, *vggFile_, *initModel_;
    QSpinBox *size_, *batch_, *steps_, *depth_, *width_;
    QDoubleSpinBox* learningRate_;
    QCheckBox *finetune_, *resume_;
    QToolButton* moreSettings_;
    QWidget* advanced_;
    QLineEdit *extraFolder_, *maskFolder_;
    QDoubleSpinBox *holeRatioLow_, *holeRatioHigh_, *colourJitter_, *geometricJitter_, *ssimWeight_, *validationFraction_;
    QSpinBox *stemChannels_, *seed_;
    QPushButton *start_, *pause_, *stop_, *useModel_, *defaultModelButton_;
    QProgressBar* progress_;
    QLabel *eta_, *preview_, *previewCaption_, *validation_;
    QPlainTextEdit* log_;
    QChart *lossChart_, *psnrChart_;
    QValueAxis *lossX_, *lossY_, *psnrX_, *psnrY_;
    QVector<QLineSeries*> lossSeries_;
    QLineSeries* psnrSeries_;
    QString lastModelPath_;
    double lossMax_ = 0, psnrMin_ = 1e9, psnrMax_ = 0;
    qint64 shownStep_ = 0, shownTotal_ = 0;  // the last step reported (total 0: none yet in this run)
    bool problemShown_ = false;  // eta_ shows why Start did not start
    // startFromNetwork()'s last path and what it read there.
    std::pair<QString, std::optional<ModelConfig>> initModelShown_;
    // The panel's own state: the runner reports a failure or the end from its thread before
    // that thread is gone, so runner_->isRunning() is still true while the panel winds down.
    bool running_ = false;
};

} // namespace pconv::ui
