// A vector that holds its first N elements inside itself and goes to the heap only beyond them.
// For the labels of a sample: nearly every sample has one to three, and a scrape makes tens of
// thousands of samples, each of which would otherwise cost an allocation for them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>

namespace nj {

template <typename T, size_t N>
class SmallVector {
    static_assert(N > 0);

public:
    using value_type = T;
    using size_type = size_t;
    using reference = T&;
    using const_reference = const T&;
    using iterator = T*;
    using const_iterator = const T*;

    SmallVector() noexcept = default;
    SmallVector(std::initializer_list<T> values) { append(values.begin(), values.end()); }
    template <typename It>
    SmallVector(It first, It last) {
        append(first, last);
    }
    SmallVector(const SmallVector& other) { append(other.begin(), other.end()); }
    SmallVector(SmallVector&& other) noexcept { takeFrom(other); }
    ~SmallVector() { release(); }

    SmallVector& operator=(const SmallVector& other) {
        if (this != &other) {
            clear();
            append(other.begin(), other.end());
        }
        return *this;
    }
    SmallVector& operator=(SmallVector&& other) noexcept {
        if (this != &other) {
            release();
            data_ = inlineData();
            capacity_ = N;
            takeFrom(other);
        }
        return *this;
    }

    iterator begin() noexcept { return data_; }
    iterator end() noexcept { return data_ + size_; }
    const_iterator begin() const noexcept { return data_; }
    const_iterator end() const noexcept { return data_ + size_; }
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T& operator[](size_t i) noexcept { return data_[i]; }
    const T& operator[](size_t i) const noexcept { return data_[i]; }
    T& at(size_t i) {
        if (i >= size_) throw std::out_of_range("SmallVector::at");
        return data_[i];
    }
    const T& at(size_t i) const { return const_cast<SmallVector*>(this)->at(i); }
    T& front() noexcept { return data_[0]; }
    const T& front() const noexcept { return data_[0]; }
    T& back() noexcept { return data_[size_ - 1]; }
    const T& back() const noexcept { return data_[size_ - 1]; }

    void reserve(size_t capacity) {
        if (capacity <= capacity_) return;
        T* grown = static_cast<T*>(::operator new(capacity * sizeof(T), std::align_val_t(alignof(T))));
        std::uninitialized_move(begin(), end(), grown);
        std::destroy(begin(), end());
        freeHeap();
        data_ = grown;
        capacity_ = capacity;
    }

    template <typename... Args>
    T& emplace_back(Args&&... args) {
        if (size_ == capacity_) {
            // The argument may live in this vector: built before the elements move.
            T value(std::forward<Args>(args)...);
            reserve(capacity_ * 2);
            return *::new (static_cast<void*>(data_ + size_++)) T(std::move(value));
        }
        return *::new (static_cast<void*>(data_ + size_++)) T(std::forward<Args>(args)...);
    }
    void push_back(const T& value) { emplace_back(value); }
    void push_back(T&& value) { emplace_back(std::move(value)); }

    void clear() noexcept {
        std::destroy(begin(), end());
        size_ = 0;
    }

    friend bool operator==(const SmallVector& a, const SmallVector& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

private:
    T* inlineData() noexcept { return std::launder(reinterpret_cast<T*>(inline_)); }
    bool onHeap() const noexcept { return capacity_ > N; }

    template <typename It>
    void append(It first, It last) {
        if constexpr (std::is_base_of_v<std::forward_iterator_tag,
                                        typename std::iterator_traits<It>::iterator_category>) {
            reserve(size_ + static_cast<size_t>(std::distance(first, last)));
        }
        for (; first != last; ++first) emplace_back(*first);
    }

    // other is left empty (and inline).
    void takeFrom(SmallVector& other) noexcept {
        if (other.onHeap()) {
            data_ = other.data_;
            capacity_ = other.capacity_;
            size_ = other.size_;
        } else {
            std::uninitialized_move(other.begin(), other.end(), data_);
            size_ = other.size_;
            std::destroy(other.begin(), other.end());
        }
        other.data_ = other.inlineData();
        other.capacity_ = N;
        other.size_ = 0;
    }

    void freeHeap() noexcept {
        if (onHeap()) ::operator delete(data_, std::align_val_t(alignof(T)));
    }

    void release() noexcept {
        clear();
        freeHeap();
    }

    T* data_ = inlineData();
    size_t size_ = 0;
    size_t capacity_ = N;
    alignas(T) unsigned char inline_[N * sizeof(T)];
};

}  // namespace nj
