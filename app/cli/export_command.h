// `scorelab export`: an animation (GIF, MP4, PNG frames) or a picture (PNG) of a scene, rendered
// offscreen in a hidden window; registered with the command line by main.cpp.
#pragma once
#include "app/cli/command.h"

namespace scorelab::exporting {

const cli::Command& export_command();

}  // namespace scorelab::exporting
