// posix_spawn cannot set PR_SET_PDEATHSIG, which must be set in the child
// between fork and exec; Swift cannot call prctl (it is variadic) nor run
// safely in a child of a multithreaded process. Hence these few lines of C.
//
// vfork, as posix_spawn itself does, so starting a child costs the same
// whatever the size of poolbench's address space. The child only makes
// system calls before exec and reports a failure through `failure`, which
// it shares with the suspended parent.

#define _GNU_SOURCE
#include "CPoolBenchSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int poolbench_spawn(pid_t *pid, const char *file, char *const argv[], char *const envp[],
                    int input, int output, int error, int report) {
    // No handler of the parent's may run in the child, which shares its
    // memory until exec: block everything across vfork.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t parent = getpid();
    volatile int failure = 0;

    pid_t child = vfork();
    if (child == 0) {
        for (int number = 1; number < NSIG; number++) {
            if (number == SIGKILL || number == SIGSTOP) continue;
            struct sigaction action = {0};
            action.sa_handler = SIG_DFL;
            sigaction(number, &action, NULL);
        }
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) {
            // The parent died before the mark was set: nobody waits for us.
            failure = errno ? errno : ESRCH;
            _exit(127);
        }
        if (setpgid(0, 0) != 0) { failure = errno; _exit(127); }
        int ends[3] = {input, output, error};
        for (int target = 0; target < 3; target++) {
            if (ends[target] == target) {
                // dup2 onto itself keeps close-on-exec set: clear it instead.
                int flags = fcntl(target, F_GETFD);
                if (flags < 0 || fcntl(target, F_SETFD, flags & ~FD_CLOEXEC) != 0) { failure = errno; _exit(127); }
            } else if (dup2(ends[target], target) < 0) {
                failure = errno;
                _exit(127);
            }
        }
        if (report >= 0) {
            if (report == POOLBENCH_REPORT_DESCRIPTOR) {
                int flags = fcntl(report, F_GETFD);
                if (flags < 0 || fcntl(report, F_SETFD, flags & ~FD_CLOEXEC) != 0) { failure = errno; _exit(127); }
            } else if (dup2(report, POOLBENCH_REPORT_DESCRIPTOR) < 0) {
                failure = errno;
                _exit(127);
            }
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execvpe(file, argv, envp);
        failure = errno;
        _exit(127);
    }

    int result = 0;
    if (child < 0) {
        result = errno;
    } else if (failure != 0) {
        result = failure;
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    } else {
        *pid = child;
    }
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return result;
}
