/* placeholder: ambitoctl import / export */
#include "ctl.h"
