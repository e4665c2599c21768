// A C++ Cap'n Proto RPC peer for interop tests with the Wetware
// TypeScript runtime, built against Debian's libcapnp-dev (0.9.x) by
// build.sh in this directory. The interfaces are in interop.capnp.
//
//   peer serve HOST:PORT
//       Serves a Calculator as the bootstrap capability on TCP. Prints
//       `listening HOST:PORT` (with the actual port when PORT is 0) on
//       stdout once bound, then serves until killed or, when stdin is a
//       pipe or socket, until stdin reaches end of file (so the peer dies
//       with the process that spawned it). Nothing else goes to stdout.
//
//   peer client HOST:PORT [STEP...]
//       Connects to a Calculator server and runs a scripted conversation,
//       printing one line per check: `ok STEP DETAIL` or
//       `FAIL STEP: REASON`, then `done N ok M failed`. Runs every step, or
//       only the named ones. Exits 0 if all passed, 1 otherwise (2 on a
//       usage error). Each step times out after 10 s.
//
// Steps: add, add-many, echo, counter, callback, slow-add, slow-counter,
// reflect-order, fail (see the functions below for what each checks).

#include "interop.capnp.h"

#include <capnp/ez-rpc.h>
#include <capnp/message.h>
#include <kj/async-io.h>
#include <kj/debug.h>
#include <kj/exception.h>
#include <kj/function.h>
#include <kj/string.h>
#include <kj/timer.h>
#include <kj/vector.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

int64_t wrapAdd(int64_t a, int64_t b) {
  // Two's-complement wrap-around, without signed-overflow UB.
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// =====================================================================
// Server side

class CounterImpl final : public Counter::Server {
 protected:
  kj::Promise<void> increment(IncrementContext context) override {
    value = wrapAdd(value, context.getParams().getBy());
    context.getResults().setValue(value);
    return kj::READY_NOW;
  }

  kj::Promise<void> get(GetContext context) override {
    context.getResults().setValue(value);
    return kj::READY_NOW;
  }

 private:
  int64_t value = 0;
};

class CalculatorImpl final : public Calculator::Server {
 public:
  // The timer belongs to the EzRpcServer's event loop, which exists only
  // once the server (which needs this object) is constructed; it is set
  // before the event loop first runs.
  explicit CalculatorImpl(kj::Timer*& timer) : timer(timer) {}

 protected:
  kj::Promise<void> add(AddContext context) override {
    auto params = context.getParams();
    context.getResults().setSum(wrapAdd(params.getA(), params.getB()));
    return kj::READY_NOW;
  }

  kj::Promise<void> slowAdd(SlowAddContext context) override {
    auto params = context.getParams();
    int64_t sum = wrapAdd(params.getA(), params.getB());
    uint32_t delayMs = params.getDelayMs();
    return getTimer().afterDelay(delayMs * kj::MILLISECONDS).then([context, sum]() mutable {
      context.getResults().setSum(sum);
    });
  }

  kj::Promise<void> counter(CounterContext context) override {
    context.getResults().setCounter(kj::heap<CounterImpl>());
    return kj::READY_NOW;
  }

  kj::Promise<void> echo(EchoContext context) override {
    context.getResults().setText(context.getParams().getText());
    return kj::READY_NOW;
  }

  kj::Promise<void> callback(CallbackContext context) override {
    auto params = context.getParams();
    auto request = params.getCb().callRequest();
    request.setValue(params.getValue());
    return request.send().then([context](capnp::Response<Callback::CallResults>&& response) mutable {
      context.getResults().setResult(response.getResult());
    });
  }

  kj::Promise<void> fail(FailContext context) override {
    return KJ_EXCEPTION(FAILED, kj::str(context.getParams().getMessage()));
  }

  kj::Promise<void> slowCounter(SlowCounterContext context) override {
    uint32_t delayMs = context.getParams().getDelayMs();
    return getTimer().afterDelay(delayMs * kj::MILLISECONDS).then([context]() mutable {
      context.getResults().setCounter(kj::heap<CounterImpl>());
    });
  }

  kj::Promise<void> reflect(ReflectContext context) override {
    auto params = context.getParams();
    Callback::Client cb = params.getCb();
    uint32_t delayMs = params.getDelayMs();
    // A promise capability (a local promise client): the RPC system exports
    // it as a senderPromise in the Return, and sends Resolve once the timer
    // fires, naming the caller's own capability (receiverHosted).
    context.getResults().setCb(Callback::Client(
        getTimer().afterDelay(delayMs * kj::MILLISECONDS).then([cb = kj::mv(cb)]() mutable {
          return kj::mv(cb);
        })));
    return kj::READY_NOW;
  }

 private:
  kj::Timer*& timer;

  kj::Timer& getTimer() {
    KJ_ASSERT(timer != nullptr, "timer not set");
    return *timer;
  }
};

bool splitHostPort(const char* address, std::string& host, std::string& port) {
  std::string s(address);
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  host = s.substr(0, colon);
  port = s.substr(colon + 1);
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Reads stdin until end of file (the contents are ignored).
kj::Promise<void> drain(kj::AsyncInputStream& in, kj::byte* buffer, size_t size) {
  return in.tryRead(buffer, 1, size).then([&in, buffer, size](size_t n) -> kj::Promise<void> {
    if (n == 0) return kj::READY_NOW;
    return drain(in, buffer, size);
  });
}

int serve(const char* address) {
  std::string host, port;
  if (!splitHostPort(address, host, port)) {
    fprintf(stderr, "peer: expected HOST:PORT, got '%s'\n", address);
    return 2;
  }

  kj::Timer* timer = nullptr;
  capnp::EzRpcServer server(kj::heap<CalculatorImpl>(timer), address);
  timer = &server.getIoProvider().getTimer();
  auto& waitScope = server.getWaitScope();

  uint actualPort = server.getPort().wait(waitScope);
  printf("listening %s:%u\n", host.c_str(), actualPort);
  fflush(stdout);

  // Stop when stdin closes, but only if it is a pipe or socket: a parent
  // that holds the other end is gone then. A terminal, /dev/null or a file
  // would make no sense as a lifeline (/dev/null would end at once).
  struct stat st;
  if (fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
    auto in = server.getLowLevelIoProvider().wrapInputFd(STDIN_FILENO);
    kj::byte buffer[4096];
    drain(*in, buffer, sizeof(buffer)).wait(waitScope);
  } else {
    kj::NEVER_DONE.wait(waitScope);
  }
  return 0;
}

// =====================================================================
// Client side

class CallbackImpl final : public Callback::Server {
 public:
  int calls = 0;

 protected:
  kj::Promise<void> call(CallContext context) override {
    ++calls;
    context.getResults().setResult(context.getParams().getValue() * 10);
    return kj::READY_NOW;
  }
};

// Records the values it is called with, in the order the calls arrive.
class OrderCallbackImpl final : public Callback::Server {
 public:
  kj::Vector<int64_t> order;

 protected:
  kj::Promise<void> call(CallContext context) override {
    int64_t value = context.getParams().getValue();
    order.add(value);
    context.getResults().setResult(value * 10);
    return kj::READY_NOW;
  }
};

struct Client {
  capnp::EzRpcClient& rpc;
  kj::WaitScope& waitScope;
  kj::Timer& timer;
  Calculator::Client calculator;

  // Waits for a promise, with a per-call timeout.
  template <typename T>
  T await(kj::Promise<T>&& promise) {
    return timer.timeoutAfter(10 * kj::SECONDS, kj::mv(promise)).wait(waitScope);
  }

  void ok(kj::StringPtr step, kj::StringPtr detail) {
    printf("ok %s %s\n", step.cStr(), detail.cStr());
    fflush(stdout);
  }
};

#define CHECK(cond, ...)                                                          \
  do {                                                                            \
    if (!(cond)) throw KJ_EXCEPTION(FAILED, kj::str("check failed: ", #cond, ": ", __VA_ARGS__)); \
  } while (false)

// A plain call on the bootstrap capability.
void stepAdd(Client& c) {
  auto request = c.calculator.addRequest();
  request.setA(2);
  request.setB(3);
  int64_t sum = c.await(request.send()).getSum();
  CHECK(sum == 5, "got ", sum);
  c.ok("add", kj::str(sum));
}

// Many calls on the bootstrap capability in flight at once (repeated
// calls on bootstrap; answers may arrive in any order).
void stepAddMany(Client& c) {
  constexpr int N = 20;
  kj::Vector<kj::Promise<capnp::Response<Calculator::AddResults>>> promises;
  for (int i = 0; i < N; i++) {
    auto request = c.calculator.addRequest();
    request.setA(i);
    request.setB(1000);
    promises.add(request.send());
  }
  for (int i = 0; i < N; i++) {
    int64_t sum = c.await(kj::mv(promises[i])).getSum();
    CHECK(sum == i + 1000, "call ", i, " got ", sum);
  }
  c.ok("add-many", kj::str(N));
}

// Text round trip, including non-ASCII UTF-8.
void stepEcho(Client& c) {
  kj::StringPtr text = "hello, interop \xe2\x9c\x93";
  auto request = c.calculator.echoRequest();
  request.setText(text);
  auto response = c.await(request.send());
  kj::StringPtr got = response.getText();
  CHECK(got == text, "got '", got, "'");
  c.ok("echo", got);
}

// A capability returned by the server, used through promise pipelining:
// counter().counter.increment(5) and .get() are sent before counter()
// answers; then get() on the resolved capability.
void stepCounter(Client& c) {
  auto counterPromise = c.calculator.counterRequest().send();
  Counter::Client pipelined = counterPromise.getCounter();

  auto inc = pipelined.incrementRequest();
  inc.setBy(5);
  auto incPromise = inc.send();
  auto getPromise = pipelined.getRequest().send();

  int64_t afterInc = c.await(kj::mv(incPromise)).getValue();
  CHECK(afterInc == 5, "pipelined increment(5) returned ", afterInc);
  int64_t afterGet = c.await(kj::mv(getPromise)).getValue();
  CHECK(afterGet == 5, "pipelined get() returned ", afterGet);
  c.ok("counter", kj::str(afterInc));

  auto response = c.await(kj::mv(counterPromise));
  Counter::Client resolved = response.getCounter();
  int64_t value = c.await(resolved.getRequest().send()).getValue();
  CHECK(value == 5, "get() on the resolved counter returned ", value);
  c.ok("counter-get", kj::str(value));

  // Each counter() makes an independent counter.
  int64_t fresh = c.await(c.calculator.counterRequest().send().getCounter().getRequest().send()).getValue();
  CHECK(fresh == 0, "a new counter starts at ", fresh);
  c.ok("counter-fresh", kj::str(fresh));
}

// Capability passing client -> server: the server calls our Callback.
void stepCallback(Client& c) {
  auto impl = kj::heap<CallbackImpl>();
  CallbackImpl& ref = *impl;
  Callback::Client cb = kj::mv(impl);

  auto request = c.calculator.callbackRequest();
  request.setCb(cb);
  request.setValue(7);
  int64_t result = c.await(request.send()).getResult();
  CHECK(result == 70, "got ", result);
  CHECK(ref.calls == 1, "callback was called ", ref.calls, " times");
  c.ok("callback", kj::str(result));
}

// The server answers slowly: a slowAdd, then at once a pipelined call
// (counter().counter.increment(1)). The pipelined call must not wait for
// the slow one: its answer has to arrive first.
void stepSlowAdd(Client& c) {
  auto slow = c.calculator.slowAddRequest();
  slow.setA(20);
  slow.setB(22);
  slow.setDelayMs(500);
  bool slowDone = false;
  auto slowPromise = slow.send().then([&slowDone](capnp::Response<Calculator::SlowAddResults>&& r) {
    slowDone = true;
    return r.getSum();
  }).fork();

  auto inc = c.calculator.counterRequest().send().getCounter().incrementRequest();
  inc.setBy(1);
  int64_t value = c.await(inc.send()).getValue();
  CHECK(value == 1, "pipelined increment(1) returned ", value);
  CHECK(!slowDone, "the pipelined call was answered only after slowAdd");
  c.ok("slow-add-pipelined", kj::str(value));

  int64_t sum = c.await(slowPromise.addBranch());
  CHECK(sum == 42, "slowAdd returned ", sum);
  c.ok("slow-add", kj::str(sum));
}

// Pipelining where the server answers slowly: calls on
// slowCounter().counter are sent before its answer exists, and must be
// delivered in order once it does.
void stepSlowCounter(Client& c) {
  auto request = c.calculator.slowCounterRequest();
  request.setDelayMs(300);
  auto promise = request.send();
  Counter::Client pipelined = promise.getCounter();

  auto inc1 = pipelined.incrementRequest();
  inc1.setBy(2);
  auto p1 = inc1.send();
  auto inc2 = pipelined.incrementRequest();
  inc2.setBy(3);
  auto p2 = inc2.send();
  auto p3 = pipelined.getRequest().send();

  int64_t v1 = c.await(kj::mv(p1)).getValue();
  int64_t v2 = c.await(kj::mv(p2)).getValue();
  int64_t v3 = c.await(kj::mv(p3)).getValue();
  CHECK(v1 == 2 && v2 == 5 && v3 == 5, "got ", v1, ", ", v2, ", ", v3, " (expected 2, 5, 5)");
  c.await(kj::mv(promise));
  c.ok("slow-counter", kj::str(v3));
}

// A promise that resolves back into the caller (Resolve + Disembargo):
// reflect(cb, 100 ms) returns a promise of our own `cb`. Calls on it are
// made before the Return (pipelined), after the Return but before the
// Resolve, and then every 8 ms across the resolution, so some are on
// their way through the server when the Resolve arrives. Once resolved,
// new calls go straight to the local object, but only after the embargo
// (our Disembargo senderLoopback, echoed by the server as
// receiverLoopback) has let the earlier ones come back: every call must
// reach `cb` in the order made. Then the promise must have resolved to
// the local object itself, and the server must still answer a plain call.
void stepReflectOrder(Client& c) {
  constexpr int PIPELINED = 3, BEFORE_RESOLVE = 3, SPACED = 24;
  constexpr int N = PIPELINED + BEFORE_RESOLVE + SPACED;
  capnp::CapabilityServerSet<Callback> local;
  auto impl = kj::heap<OrderCallbackImpl>();
  OrderCallbackImpl& ref = *impl;
  Callback::Client cb = local.add(kj::mv(impl));

  auto request = c.calculator.reflectRequest();
  request.setCb(cb);
  request.setDelayMs(100);
  auto promise = request.send();
  Callback::Client reflected = promise.getCb();

  int64_t made = 0;
  kj::Vector<kj::Promise<void>> replies;
  auto call = [&]() {
    int64_t value = ++made;
    auto r = reflected.callRequest();
    r.setValue(value);
    replies.add(r.send().then([value](capnp::Response<Callback::CallResults>&& response) {
      CHECK(response.getResult() == value * 10, "call ", value, " returned ", response.getResult());
    }));
  };

  for (int i = 0; i < PIPELINED; i++) call();
  auto response = c.await(kj::mv(promise));
  for (int i = 0; i < BEFORE_RESOLVE; i++) call();
  for (int i = 0; i < SPACED; i++) {
    call();
    c.await(c.timer.afterDelay(8 * kj::MILLISECONDS));
  }
  c.await(kj::joinPromises(replies.releaseAsArray()));

  CHECK(ref.order.size() == N, "the callback got ", ref.order.size(), " calls of ", N);
  for (int i = 0; i < N; i++) {
    CHECK(ref.order[i] == i + 1, "call ", i + 1, " arrived as number ", ref.order[i],
          " (order: ", kj::strArray(ref.order, " "), ")");
  }

  // The promise resolved to our own object (not to a proxy through the server).
  auto server = c.await(local.getLocalServer(reflected));
  KJ_IF_MAYBE(s, server) {
    CHECK(s == &ref, "the promise resolved to another local Callback");
  } else {
    CHECK(false, "the promise did not resolve to the local Callback");
  }

  auto add = c.calculator.addRequest();
  add.setA(40);
  add.setB(2);
  int64_t sum = c.await(add.send()).getSum();
  CHECK(sum == 42, "add after reflect returned ", sum);
  c.ok("reflect-order", kj::str(N));
}

// An exception carried back to the caller; the connection stays usable.
void stepFail(Client& c) {
  kj::StringPtr message = "expected failure from the interop peer";
  auto request = c.calculator.failRequest();
  request.setMessage(message);
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&]() { c.await(request.send()); })) {
    CHECK(e->getType() == kj::Exception::Type::FAILED, "exception type ", e->getType());
    CHECK(strstr(e->getDescription().cStr(), message.cStr()) != nullptr,
          "description '", e->getDescription(), "'");
    c.ok("fail", e->getDescription());
  } else {
    CHECK(false, "fail() returned normally");
  }

  auto add = c.calculator.addRequest();
  add.setA(1);
  add.setB(1);
  int64_t sum = c.await(add.send()).getSum();
  CHECK(sum == 2, "add after fail returned ", sum);
  c.ok("fail-then-add", kj::str(sum));
}

struct Step {
  const char* name;
  void (*run)(Client&);
};

const Step STEPS[] = {
  {"add", stepAdd},
  {"add-many", stepAddMany},
  {"echo", stepEcho},
  {"counter", stepCounter},
  {"callback", stepCallback},
  {"slow-add", stepSlowAdd},
  {"slow-counter", stepSlowCounter},
  {"reflect-order", stepReflectOrder},
  {"fail", stepFail},
};

int client(const char* address, int nSelected, char** selected) {
  std::string host, port;
  if (!splitHostPort(address, host, port)) {
    fprintf(stderr, "peer: expected HOST:PORT, got '%s'\n", address);
    return 2;
  }
  for (int i = 0; i < nSelected; i++) {
    bool known = false;
    for (auto& step : STEPS) known = known || strcmp(step.name, selected[i]) == 0;
    if (!known) {
      fprintf(stderr, "peer: unknown step '%s'\n", selected[i]);
      return 2;
    }
  }

  capnp::EzRpcClient rpc(address);
  Client c{rpc, rpc.getWaitScope(), rpc.getIoProvider().getTimer(), rpc.getMain<Calculator>()};

  int passed = 0, failed = 0;
  for (auto& step : STEPS) {
    bool wanted = nSelected == 0;
    for (int i = 0; i < nSelected; i++) wanted = wanted || strcmp(step.name, selected[i]) == 0;
    if (!wanted) continue;

    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&]() { step.run(c); })) {
      auto description = kj::str(e->getDescription());
      for (char& ch : description) {
        if (ch == '\n') ch = ' ';
      }
      printf("FAIL %s: %s\n", step.name, description.cStr());
      fflush(stdout);
      ++failed;
    } else {
      ++passed;
    }
  }
  printf("done %d ok %d failed\n", passed, failed);
  fflush(stdout);
  return failed == 0 ? 0 : 1;
}

void usage() {
  fprintf(stderr,
          "usage: peer serve HOST:PORT\n"
          "       peer client HOST:PORT [STEP...]\n"
          "steps:");
  for (auto& step : STEPS) fprintf(stderr, " %s", step.name);
  fprintf(stderr, "\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && strcmp(argv[1], "serve") == 0 && argc == 3) {
    try {
      return serve(argv[2]);
    } catch (const kj::Exception& e) {
      fprintf(stderr, "peer serve: %s\n", kj::str(e).cStr());
      return 1;
    }
  }
  if (argc >= 3 && strcmp(argv[1], "client") == 0) {
    try {
      return client(argv[2], argc - 3, argv + 3);
    } catch (const kj::Exception& e) {
      fprintf(stderr, "peer client: %s\n", kj::str(e).cStr());
      return 1;
    }
  }
  usage();
  return 2;
}
