/* lab_worker.h: the request loop of a lab's workers (`optdemo worker --lab`):
 * the timing requests stage, run and results answered in C, every other
 * request by pyscripts' runner (docs/worker-protocol.md).  The interpreter
 * must be running. */
#ifndef OPTDEMO_LAB_WORKER_H
#define OPTDEMO_LAB_WORKER_H

/* Serve requests from read_fd, answering on write_fd, until end of file or
 * quit: 0, or -1 when the runner cannot start or the host went away. */
int lab_worker_serve(int read_fd, int write_fd);

#endif
