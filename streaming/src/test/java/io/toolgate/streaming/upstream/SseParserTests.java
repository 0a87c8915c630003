package io.toolgate.streaming.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTests {

	private static final String STREAM = "\uFEFF: a comment\n" + "data: plain\n\n" + "event: update\r\n" + "id: 7\r\n"
			+ "data:first line\r\n" + "data:  second line starts with a space\r\n\r\n" + "retry: 3000\r"
			+ "data: carriage returns only\r\r" + "data: h\u00e9llo w\u00f6rld \u20ac \uD83D\uDE00\n\n" + "data\n\n"
			+ "id: no data here\n\n" + "unknown: field\n" + "data: after unknown\n\n" + "data: {\"x\": \"y:z\"}\n\n"
			+ "data: unterminated at the end\n";

	private static final List<SseFrame> EXPECTED = List.of(SseFrame.of("plain"),
			new SseFrame("update", "first line\n second line starts with a space", "7"),
			SseFrame.of("carriage returns only"), SseFrame.of("h\u00e9llo w\u00f6rld \u20ac \uD83D\uDE00"),
			SseFrame.of(""), SseFrame.of("after unknown"), SseFrame.of("{\"x\": \"y:z\"}"));

	private final SseParser parser = SseParser.ofDefaults();

	@Test
	void parsesWholeStream() {
		assertThat(parse(List.of(bytes(STREAM)))).isEqualTo(EXPECTED);
	}

	@Test
	void parsesStreamSplitAtEveryPosition() {
		byte[] all = bytes(STREAM);
		for (int at = 0; at <= all.length; at++) {
			List<byte[]> chunks = List.of(slice(all, 0, at), slice(all, at, all.length));
			assertThat(parse(chunks)).as("split at %d", at).isEqualTo(EXPECTED);
		}
	}

	@Test
	void parsesStreamSplitAtRandomPositions() {
		byte[] all = bytes(STREAM);
		Random random = new Random(42);
		for (int round = 0; round < 200; round++) {
			List<byte[]> chunks = new ArrayList<>();
			int start = 0;
			while (start < all.length) {
				int end = Math.min(all.length, start + random.nextInt(6));
				chunks.add(slice(all, start, end));
				start = end;
			}
			assertThat(parse(chunks)).as("round %d", round).isEqualTo(EXPECTED);
		}
	}

	@Test
	void parsesOneByteChunks() {
		byte[] all = bytes(STREAM);
		List<byte[]> chunks = new ArrayList<>();
		for (int i = 0; i < all.length; i++) {
			chunks.add(slice(all, i, i + 1));
		}
		assertThat(parse(chunks)).isEqualTo(EXPECTED);
	}

	@Test
	void treatsCarriageReturnThenLineFeedAcrossChunksAsOneLineEnd() {
		List<byte[]> chunks = List.of(bytes("data: a\r"), bytes("\ndata: b\r"), bytes("\n\r"), bytes("\n"));
		assertThat(parse(chunks)).containsExactly(SseFrame.of("a\nb"));
	}

	@Test
	void joinsMultiByteCharacterSplitAcrossChunks() {
		byte[] euro = bytes("data: \u20ac\n\n");
		assertThat(parse(List.of(slice(euro, 0, 7), slice(euro, 7, 8), slice(euro, 8, euro.length))))
			.containsExactly(SseFrame.of("\u20ac"));
	}

	@Test
	void joinsMultiLineData() {
		assertThat(parse(List.of(bytes("data: one\ndata: two\ndata:\ndata: four\n\n"))))
			.containsExactly(SseFrame.of("one\ntwo\n\nfour"));
	}

	@Test
	void skipsCommentsAndEventsWithoutData() {
		assertThat(parse(List.of(bytes(": keep-alive\n\n:another\nevent: ping\n\ndata: x\n\n"))))
			.containsExactly(SseFrame.of("x"));
	}

	@Test
	void failsWhenEventExceedsBound() {
		expectExceedsBoundOf16(List.of(bytes("data: 0123456789\n"), bytes("data: 0123456789\n\n")));
	}

	@Test
	void failsWhenSingleLineExceedsBoundBeforeItEnds() {
		expectExceedsBoundOf16(List.of(bytes("data: 0123456789abcdefghij")));
	}

	@Test
	void releasesEveryBufferOnceWhenAnEventExceedsTheBound() {
		List<CountingBuffer> counted = List.of(new CountingBuffer(bytes("data: 0123456789\n")),
				new CountingBuffer(bytes("data: 0123456789\n\n")));
		NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
		// hide(): buffers are pushed one by one, as a network body's are, not pulled
		// through a fused queue
		StepVerifier.create(new SseParser(16).parse(Flux.fromIterable(counted).<DataBuffer>map(factory::wrap).hide()))
			.expectError(DataBufferLimitException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(counted).extracting((buffer) -> buffer.releases).containsExactly(1, 1);
	}

	@Test
	void boundResetsBetweenEvents() {
		SseParser small = new SseParser(16);
		StepVerifier.create(small.parse(buffers(List.of(bytes("data: 0123456789\n\ndata: 0123456789\n\n")))))
			.expectNext(SseFrame.of("0123456789"), SseFrame.of("0123456789"))
			.verifyComplete();
	}

	@Test
	void emitsEventsAsSoonAsTheyEnd() {
		StepVerifier.create(this.parser.parse(buffers(List.of(bytes("data: a\n\n"))).concatWith(Flux.never())))
			.expectNext(SseFrame.of("a"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void rejectsNonPositiveBound() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new SseParser(0));
	}

	private static void expectExceedsBoundOf16(List<byte[]> chunks) {
		StepVerifier.create(new SseParser(16).parse(buffers(chunks)))
			.expectError(DataBufferLimitException.class)
			.verify(Duration.ofSeconds(5));
	}

	/**
	 * A heap buffer that counts the calls to release it, a second one included (which
	 * then throws).
	 */
	private static final class CountingBuffer extends UnpooledHeapByteBuf {

		private int releases;

		CountingBuffer(byte[] bytes) {
			super(UnpooledByteBufAllocator.DEFAULT, bytes, bytes.length);
		}

		@Override
		public boolean release() {
			this.releases++;
			return super.release();
		}

	}

	private List<SseFrame> parse(List<byte[]> chunks) {
		return this.parser.parse(buffers(chunks)).collectList().block(Duration.ofSeconds(5));
	}

	private static Flux<DataBuffer> buffers(List<byte[]> chunks) {
		return Flux.fromIterable(chunks).map(DefaultDataBufferFactory.sharedInstance::wrap);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] slice(byte[] all, int from, int to) {
		byte[] part = new byte[to - from];
		System.arraycopy(all, from, part, 0, part.length);
		return part;
	}

}
