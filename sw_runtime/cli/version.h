/* The version of this lpcs build, recorded in every report and CSV. */
#ifndef LPCS_CLI_VERSION_H
#define LPCS_CLI_VERSION_H

const char *lpcs_version(void);  /* release, e.g. "0.5.0" */
const char *lpcs_git_hash(void); /* commit of the build, "-dirty" if the tree had changes */

#endif
