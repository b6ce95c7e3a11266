{% load static %}/* 卡口查验 service worker: the checkpoint page and its scripts open with no network.
 * Pre-caches the page and its assets; page and assets are network-first with the cache as fallback.
 * config.json and uploads are never cached here (the page keeps its own copy in localStorage). */
"use strict";
var CACHE = "gx-checkpoint-v1";
var PAGE = "/permits/checkpoint/";
var ASSETS = [PAGE, "{% static 'vendor/tabler.min.css' %}", "{% static 'css/gongxin.css' %}",
  "{% static 'vendor/tabler.min.js' %}", "{% static 'vendor/nacl-fast.min.js' %}", "{% static 'vendor/jsQR.js' %}",
  "{% static 'permits/checkpoint.js' %}", "{% static 'permits/permits.css' %}"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); })
    .then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  var cacheable = url.pathname === PAGE || ASSETS.indexOf(url.pathname) >= 0;
  if (!cacheable) return;
  var key = url.pathname === PAGE ? PAGE : request;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (hit) { return hit || Response.error(); });
  }));
});
