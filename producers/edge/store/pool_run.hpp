#pragma once
// The one way the edge's stores run blocking work (libpq, files, a replay's Kafka reads) off the
// io_context: on the store's own thread pool, the outcome (or an exception's text) posted back to
// the caller's executor exactly once.
#include "store/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>
#include <string>

namespace ocms::edge {

template <typename T, typename Work>
void run_on_pool(boost::asio::thread_pool& pool, boost::asio::any_io_executor ex, ReadCallback<T> cb, Work work) {
    boost::asio::post(pool, [ex, cb = std::move(cb), work = std::move(work)]() mutable {
        ReadResult<T> out = [&]() -> ReadResult<T> {
            try {
                return work();
            } catch (const std::exception& e) {
                return std::unexpected(store_error(std::string("unexpected: ") + e.what()));
            }
        }();
        boost::asio::post(ex, [cb = std::move(cb), out = std::move(out)]() mutable { cb(std::move(out)); });
    });
}

}  // namespace ocms::edge
