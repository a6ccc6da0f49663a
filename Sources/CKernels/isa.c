// The instruction-set ceiling shared by every CKernels file's dispatch (dispatch.h's rtk_level).
#include "isa.h"

#include "dispatch.h"

int rtk_isa_ceiling = 2;

void rtk_limit_instruction_set(int level) { rtk_isa_ceiling = level < 0 ? 0 : level; }

int rtk_instruction_set(void) { return rtk_level(); }
