/* casekit.h - umbrella header: every .c file of casekit includes this first */
#ifndef CASEKIT_H
#define CASEKIT_H
#include "config.h"
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "util.h"
#include "bag.h"
#include "case.h"
#include "complete.h"
#include "csvio.h"
#include "ident.h"
#include "ingest.h"
#include "keyfile.h"
#include "leads.h"
#include "link.h"
#include "link_show.h"
#include "money.h"
#include "opt.h"
#include "output.h"
#include "profile.h"
#include "progress.h"
#include "report.h"
#include "sample.h"
#include "query.h"
#include "screen.h"
#include "screen_run.h"
#include "sign.h"
#include "stats.h"
#include "store.h"
#include "store_db.h"
#include "synth.h"
#include "tar.h"
#include "trace.h"

/* One entry point per applet, cmd_NAME(), from the applet list. */
#define CK_CMD(name, desc) int cmd_##name(int argc, char **argv);
#include "commands.def"
#undef CK_CMD
#endif
