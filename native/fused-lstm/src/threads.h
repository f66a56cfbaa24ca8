// Work split over this thread and one more. Whatever either half throws (std::bad_alloc, a
// std::system_error from a thread that cannot start) reaches the caller after the second thread has
// been joined, so it becomes a JavaScript error instead of std::terminate aborting the process.
#pragma once

#include <exception>
#include <thread>

namespace fused_lstm {

template <typename Here, typename There>
void onTwoThreads(Here here, There there) {
  std::exception_ptr failed;
  std::thread second([&] {
    try {
      there();
    } catch (...) {
      failed = std::current_exception();
    }
  });
  try {
    here();
  } catch (...) {
    second.join();
    throw;
  }
  second.join();
  if (failed) std::rethrow_exception(failed);
}

}  // namespace fused_lstm
