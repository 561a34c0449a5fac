/* commands.h - the applets' entry points, cmd_NAME(), one per line of commands.def */
#ifndef CASEKIT_COMMANDS_H
#define CASEKIT_COMMANDS_H
#define CK_CMD(name, desc) int cmd_##name(int argc, char **argv);
#include "commands.def"
#undef CK_CMD
#endif
