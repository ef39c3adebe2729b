#pragma once
// Tools > Generate Masks: batch generation of training masks (and masked samples
// from a photo folder) on a worker thread, with progress, Cancel and thumbnails.
#include <QDialog>

#include <atomic>
#include <memory>

class QCheckBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QThread;

namespace pconv::ui {

class BatchMaskDialog : public QDialog {
    Q_OBJECT
public:
    explicit BatchMaskDialog(QWidget* parent = nullptr);
    ~BatchMaskDialog() override;

    // Fields, exposed for tests and for restoring settings.
    QSpinBox* countBox() const { return count_; }
    int thumbnailCount() const;  // thumbnails of the last batch's first masks on show
    QSpinBox* minUnitsBox() const { return minUnits_; }
    QSpinBox* maxUnitsBox() const { return maxUnits_; }
    QSpinBox* widthBox() const { return width_; }
    QSpinBox* heightBox() const { return height_; }
    QSpinBox* seedBox() const { return seed_; }
    QCheckBox* ratioCheck() const { return useRatio_; }
    QDoubleSpinBox* ratioLowBox() const { return ratioLow_; }
    QDoubleSpinBox* ratioHighBox() const { return ratioHigh_; }
    QLineEdit* maskFolderEdit() const { return maskFolder_; }
    QLineEdit* imageFolderEdit() const { return imageFolder_; }
    QLineEdit* sampleFolderEdit() const { return sampleFolder_; }
    QPushButton* generateButton() const { return generate_; }
    bool isRunning() const { return thread_ != nullptr; }

public Q_SLOTS:
    void startGeneration();
    void cancelGeneration();

Q_SIGNALS:
    void generationFinished(int masksWritten, int samplesWritten, bool cancelled);
    void generationFailed(const QString& message);

protected:
    void reject() override;

private:
    void showThumbnails();
    void clearThumbnails();
    void setRunning(bool running);

    QSpinBox *count_, *minUnits_, *maxUnits_, *width_, *height_, *seed_;
    QCheckBox* useRatio_;
    QDoubleSpinBox *ratioLow_, *ratioHigh_;
    QLineEdit *maskFolder_, *imageFolder_, *sampleFolder_;
    QPushButton *generate_, *cancel_, *close_;
    QProgressBar* progress_;
    QLabel* status_;
    QHBoxLayout* thumbnails_;
    QThread* thread_ = nullptr;
    std::shared_ptr<std::atomic<bool>> cancelFlag_;
};

} // namespace pconv::ui
