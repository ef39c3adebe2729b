#pragma once
// The editor window: original (paint here) | mask | result side by side with
// shared zoom and pan; tools, inpainting on a worker thread, mask generation and
// the Training panel. Widgets call core; no inpainting logic lives here.
#include "pconv/hd_strategy.h"
#include "pconv/inpainter.h"
#include "pconv/photo_metadata.h"

#include <QImage>
#include <QMainWindow>
#include <QString>
#include <opencv2/core.hpp>

#include <memory>

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;
class QUndoStack;

namespace pconv::ui {

class InpaintRunner;
struct ImageState;
class ImagePane;
class MaskAutosave;
class MaskCanvas;
class ResultPane;
class TrainingPanel;
class ViewState;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a photo; on failure shows the error and returns false (nothing is lost).
    bool openImage(const QString& path);
    bool importMask(const QString& path);
    bool exportMask(const QString& path);
    bool saveResult(const QString& path, int jpegQuality = 95);
    // Clipboard: paste an image as the photo (it has no file: Save Result suggests "pasted_…"),
    // copy the result out. Both show an error and return false when there is nothing to take.
    bool pasteImage();
    bool copyResult();
    // Puts the last photo's mask (the one before the latest Open, Paste or Use Result) on this
    // photo (scaled to cover it and centred, never stretched, when the sizes differ): the same blemish or watermark
    // on a series of photos is brushed once. Undoable.
    bool reusePreviousMask();

    // A result (or an edited image) not yet saved, or a painted mask not yet exported.
    bool hasUnsavedWork() const;
    // Keyboard zoom (100%, Zoom In/Out): keeps the photo point under globalCursor where it is
    // when that lies on a pane, as the wheel does; else zooms around the panes' middle.
    void zoomKeepingCursor(double zoom, const QPoint& globalCursor);

    // For tests and scripting.
    MaskCanvas* canvas() const { return canvas_; }
    ResultPane* resultPane() const { return resultPane_; }
    ImagePane* maskPane() const { return maskPane_; }
    InpaintRunner* runner() const { return runner_; }
    TrainingPanel* trainingPanel() const { return trainingPanel_; }
    QUndoStack* undoStack() const { return undoStack_; }
    const cv::Mat& photo() const { return photo_; }
    const cv::Mat& result() const { return result_; }
    void setMethod(Method method);
    void setModelPath(const QString& path);
    QString modelPath() const;
    // PConv texture in wide holes (Tools menu): from this hole depth in px (8 or 48), or 0 for none.
    int textureFromDepth() const;

    // Crash safety: the mask being painted is saved a moment after each change and
    // removed on a clean close; the next start offers it back.
    static QString autosaveFolder();
    QString autosavedMaskPath() const;  // this window's ("" before its first autosave)
    void autosaveMaskNow();
    // Reopens the photo of an autosaved mask and restores the mask; asks first
    // unless askUser is false. Returns true when a mask was restored.
    // forPhoto: only a mask painted on that photo (the one the editor was started with).
    bool recoverAutosavedMask(bool askUser = true, const QString& forPhoto = {});

public Q_SLOTS:
    void inpaint();
    void cancelInpaint();
    void randomMask();
    void useResultAsImage();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createToolBar();
    void createDocks();
    void restoreSettings();
    void saveSettings() const;
    void updateStatus();
    void updateActions();
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    bool confirmDiscard(const QString& what);
    bool confirmSavingOutOfDateResult();
    QString currentMethodText() const;
    void updateResultTitle();
    bool hasUnsavedResult() const;
    bool hasUnexportedMask() const;  // painted holes not in a file
    bool resultIsFromCurrentMask() const;  // the result shown was made from the canvas's mask
    void showError(const QString& title, const QString& message);
    void onMaskChanged();
    void onResult(const cv::Mat& result, double seconds);
    HdOptions hdOptions() const;
    int mirrorViews() const;
    void addDeepHoleTextureMenu(QMenu* toolsMenu);
    void addMirrorViewsMenu(QMenu* toolsMenu);
    void chooseModelFile();
    void fitView();         // fit the photo into the smallest of the three panes
    void editHdSettings();  // trigger size, crop margin, resize limit
    void saveResultAs();
    void exportMaskAs();  // asks where, then exportMask()
    // An undoable step; errors shown. A mask of another size is scaled to cover the photo (*fileSize: its own size).
    bool replaceMaskFromFile(const QString& path, const QString& undoText, QSize* fileSize = nullptr);
    // Shows a new photo (opened, pasted) with an empty mask and no result.
    void setPhoto(const cv::Mat& image, const QString& path, const QString& title);
    void applyImageState(const ImageState& state);  // Use Result as New Image, and its undo
    void rememberMask();                // keeps a non-empty mask for reusePreviousMask()
    QString photoBaseName() const;      // the photo's file name without extension, or "pasted"
    // What Save and Copy write: the result, else the photo when it is an earlier result; else empty.
    const cv::Mat& output() const;

    ViewState* view_;
    MaskCanvas* canvas_;
    ImagePane* maskPane_;
    ResultPane* resultPane_;
    QUndoStack* undoStack_;
    InpaintRunner* runner_;
    TrainingPanel* trainingPanel_;
    QDockWidget* trainingDock_;

    QComboBox *methodCombo_, *modelCombo_, *hdCombo_;
    QSlider* brushSlider_;
    QSpinBox* brushSpin_;
    QPushButton *inpaintButton_, *cancelButton_;
    QProgressBar* progress_;
    QLabel *sizeLabel_, *ratioLabel_, *timeLabel_;
    QMenu* recentMenu_ = nullptr;
    QAction *openAction_, *saveAction_, *saveAsAction_, *importMaskAction_, *exportMaskAction_, *useResultAction_;
    QAction *undoAction_, *redoAction_, *clearAction_, *invertAction_, *growAction_, *shrinkAction_, *randomAction_;
    QAction *brushAction_, *eraserAction_, *compareAction_, *fitAction_, *actualAction_, *cancelAction_;
    QAction *copyResultAction_, *reuseMaskAction_;

    cv::Mat photo_, result_;
    QImage jobMask_, resultMask_;  // the canvas mask of the last job started, and of the result shown (shared, not copied)
    QString jobMethod_, resultMethod_;  // what they were made with (currentMethodText())
    PhotoMetadata photoMetadata_;  // the opened JPEG's EXIF and colour profile, kept in a JPEG result
    cv::Mat previousMask_;  // CV_8UC1, 255 = hole; empty until a photo with holes is left
    QString photoPath_, lastSavedResultPath_;
    void clearAutosave();
    std::unique_ptr<MaskAutosave> autosave_;
    QTimer* autosaveTimer_ = nullptr;
    bool resultSaved_ = true;   // output() is saved (or there is none)
    bool photoEdited_ = false;  // photo_ is an earlier result (Use Result as New Image)
    bool maskDirty_ = false;
    int jpegQuality_ = 95;
    int growPixels_ = 5;
    // The brush size as a fraction of the photo's long side, as the user last set it (0: set
    // with no photo open): each new photo gets the brush that covers as much of it.
    double brushFraction_ = 0;
    bool rescalingBrush_ = false;  // set while a new photo rescales the brush (not the user)
};

} // namespace pconv::ui
