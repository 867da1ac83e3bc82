#ifndef CPOOLBENCHSPAWN_H
#define CPOOLBENCHSPAWN_H

#include <sys/types.h>

/// Starts `file` (looked up in PATH like execvp when it has no slash) with
/// `argv` and `envp`, its standard input, output and error on the given
/// descriptors, every signal unblocked and at its default action, leading a
/// process group of its own, and marked to receive SIGKILL when the thread
/// that started it dies (PR_SET_PDEATHSIG), so a poolbench killed outright
/// leaves no child running.
///
/// With `report` at 0 or above, that descriptor is also the child's
/// descriptor POOLBENCH_REPORT_DESCRIPTOR (3), left open across exec: where a
/// job writes its own measurement. Every other descriptor of poolbench's is
/// close-on-exec, so the child inherits no other. -1 gives it none.
///
/// Returns 0 and sets `*pid`, or the errno that stopped the child before
/// its program started (ENOENT, EACCES, …).
int poolbench_spawn(pid_t *pid, const char *file, char *const argv[], char *const envp[],
                    int input, int output, int error, int report);

/// The descriptor number a job's report pipe has in the job.
#define POOLBENCH_REPORT_DESCRIPTOR 3

#endif
