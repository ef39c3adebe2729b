#pragma once
// One undo step that replaces the image being edited (Use Result as New Image):
// the photo, its mask and its result before and after, put back through a callback
// so that the window updates every pane the same way both directions.
#include <QImage>
#include <QString>
#include <QUndoCommand>
#include <opencv2/core.hpp>

#include <functional>

namespace pconv::ui {

struct ImageState {
    cv::Mat photo, result;  // cv::Mat shares pixels: holding both states costs no copies
    QImage mask;            // Grayscale8, 255 = hole
    bool resultSaved = true;   // the result, or the edited photo when there is no result, is saved
    bool photoEdited = false;  // the photo is an earlier result, not the file that was opened
    QString resultMethod;      // what the result was made with, for its pane's title
};

class ImageStateCommand : public QUndoCommand {
public:
    using Apply = std::function<void(const ImageState&)>;
    // redo() (run by QUndoStack::push) applies `after`; undo() applies `before`.
    ImageStateCommand(ImageState before, ImageState after, Apply apply, const QString& text);
    void undo() override;
    void redo() override;

private:
    ImageState before_, after_;
    Apply apply_;
};

} // namespace pconv::ui
