// stub: being written
#include "core/sample/trajectory_buffer.h"
